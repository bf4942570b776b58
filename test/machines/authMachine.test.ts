import { readFileSync, writeFileSync } from 'node:fs'
import { authMachine } from 'authchart'
import { describe, expect, it } from 'vitest'
import { toMermaid } from './chartEdges.js'

const docPath = new URL('../../docs/architecture.md', import.meta.url)
const MERMAID_BLOCK = /```mermaid\n([\s\S]*?)\n```/

describe('authMachine', () => {
  it('has the five states of the design at the top level', () => {
    const states = Object.keys(authMachine.root.states)
    for (const name of ['unauthenticated', 'validating', 'authenticated', 'refreshing', 'expired']) {
      expect(states).toContain(name)
    }
  })

  it('is drawn in docs/architecture.md exactly as it is (UPDATE_CHART=1 npx vitest run test/machines rewrites it)', () => {
    const generated = toMermaid(authMachine)
    let doc = readFileSync(docPath, 'utf8')
    if (process.env.UPDATE_CHART) {
      doc = doc.replace(MERMAID_BLOCK, () => `\`\`\`mermaid\n${generated}\n\`\`\``)
      writeFileSync(docPath, doc)
    }
    const block = MERMAID_BLOCK.exec(doc)?.[1]
    expect(block, 'docs/architecture.md has no mermaid block').toBeDefined()
    expect(block).toBe(generated)
  })
})
