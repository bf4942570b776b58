import { expect, it } from 'vitest'
import { roundFigures } from '../../bench/roundFigures.js'

it('rounds measured figures to three significant digits and keeps counts whole', () => {
  expect(
    roundFigures({
      ms: 10.295334999999795,
      ns: 2640.2088,
      ratio: 1.046588661188323,
      bytes: -91.4321,
      small: 0.0123456,
      requests: 1,
      cycles: 10169,
      rows: [{ kb: 66.2549609375 }],
      name: 'authchart',
    }),
  ).toEqual({
    ms: 10.3,
    ns: 2640,
    ratio: 1.05,
    bytes: -91.4,
    small: 0.0123,
    requests: 1,
    cycles: 10169,
    rows: [{ kb: 66.3 }],
    name: 'authchart',
  })
})
