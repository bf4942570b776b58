import { readFileSync } from 'node:fs'
import { expect, it } from 'vitest'
import { collectSnippets } from '../docs/collectSnippets.js'

it('the README gives a newcomer exactly two set-up commands: the demo and the tests', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
  const shell = collectSnippets('README.md', readme).filter((snippet) => ['sh', 'bash', 'shell'].includes(snippet.lang))
  expect(shell.map((snippet) => snippet.code)).toEqual(['npm ci && npm run demo', 'npm ci && npm test'])
})
