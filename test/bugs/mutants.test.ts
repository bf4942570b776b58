import { createAuthClient } from 'authchart'
import { authEnvironmentPaths, describeScenario, runAuthScenario } from 'authchart/testing'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { namedInterleavings } from '../model/namedInterleavings.js'
import { authMachine } from '../../machines/authMachine.js'
import type * as ChartActorModule from '../../src/createChartActor.js'
import { buildMutants, createAuthClientRef, type Effects, type Mutant } from './mutants.js'

// The client builds its actor with `createChartActor(effects, options)`: the chart shared by all
// clients, whose actors and actions call the client's effects. This file swaps that module for one
// that runs the current mutant's chart (with the same dispatch to the effects) and the mutant's
// rewrite of the effects; with no mutant, the real ones.
const current = vi.hoisted(() => ({ mutant: null as null | { machine?: unknown; effects?: (e: never) => unknown } }))
vi.mock('../../src/createChartActor.js', async (importOriginal) => {
  const real = await importOriginal<typeof ChartActorModule>()
  const { createActor } = await import('xstate')
  const { authMachine } = await import('../../machines/authMachine.js')
  return {
    ...real,
    createChartActor(effects: Parameters<typeof real.createChartActor>[0], options: never) {
      const mutant = current.mutant
      if (!mutant) return real.createChartActor(effects, options)
      const machine = (mutant.machine ?? authMachine) as typeof authMachine
      const actor = createActor(machine.provide(real.dispatchToClientEffects), options)
      real.bindEffects(actor.system, (mutant.effects ? mutant.effects(effects as never) : effects) as never)
      return actor
    },
  }
})
createAuthClientRef.current = (options) => createAuthClient(options)
const mutants = buildMutants(authMachine)

// Named interleavings first: they are the bug reports, and they kill fastest.
const suite = [...Object.values(namedInterleavings), ...authEnvironmentPaths()]
const table: string[] = []

async function firstKill(mutant: Mutant): Promise<string | null> {
  current.mutant = {
    machine: mutant.machine,
    effects: mutant.effects as ((e: Effects) => Effects) | undefined,
  } as never
  try {
    for (const events of suite) {
      try {
        await runAuthScenario(events, mutant.scenario)
      } catch (error) {
        const broke = String((error as Error).message).split('broke: ')[1] ?? String(error)
        return `${describeScenario(events)} — ${broke}`
      }
    }
    return null
  } finally {
    current.mutant = null
  }
}

describe('the mutant corpus: every known bug is killed by the generated suite', () => {
  it('the real code, through the same module swap, passes the named interleavings', async () => {
    for (const events of Object.values(namedInterleavings)) await runAuthScenario(events)
  })

  for (const mutant of mutants) {
    it(`kills: ${mutant.name} (${mutant.source})`, async () => {
      const killedBy = await firstKill(mutant)
      table.push(`| ${mutant.name} | ${mutant.source} | ${killedBy ?? 'SURVIVED'} |`)
      expect(killedBy, `the mutant "${mutant.name}" survived the generated suite`).not.toBeNull()
    }, 120_000)
  }

  afterAll(() => {
    console.log(['| mutant | source | killed by (path — invariant) |', '| --- | --- | --- |', ...table].join('\n'))
  })
})
