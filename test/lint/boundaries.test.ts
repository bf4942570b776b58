// The dependency direction (docs/architecture.md) is enforced by eslint.config.js. Each fixture
// under test/lint/fixtures/<case>/ breaks exactly one rule and is linted with the project's own
// config AS IF it lived at its path below <case>/ (`src/...`, `machines/...`, `adapters/...`),
// so a rule that stops firing, or fires on clean code, fails here.
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ESLint } from 'eslint'
import { beforeAll, describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))
const fixtures = fileURLToPath(new URL('fixtures', import.meta.url))

const SRC_NO_ADAPTER = 'src/ never imports an adapter'
const MACHINES_IMPORT = 'machines/ is pure: it imports only xstate'
const MACHINES_PURE = 'machines/ is pure: take time and effects from the injected env'
const ADAPTER_CORE = "adapters import the core only as 'authchart'"
const ADAPTER_NO_ADAPTER = 'an adapter never imports another adapter'
const IMPORTS = '@typescript-eslint/no-restricted-imports'

/** What each failing fixture must be reported for: one rule, and a message that says why. */
const expected: Record<string, { ruleId: string; message: string }> = {
  'src-imports-adapter-by-path': { ruleId: IMPORTS, message: SRC_NO_ADAPTER },
  'src-imports-adapter-by-subpath': { ruleId: IMPORTS, message: SRC_NO_ADAPTER },
  'src-imports-adapter-dynamically': { ruleId: 'no-restricted-syntax', message: SRC_NO_ADAPTER },
  'machines-imports-package': { ruleId: IMPORTS, message: MACHINES_IMPORT },
  'machines-imports-src-value': { ruleId: IMPORTS, message: MACHINES_IMPORT },
  'machines-imports-src-test-kit': { ruleId: IMPORTS, message: MACHINES_IMPORT },
  'machines-imports-adapter': { ruleId: IMPORTS, message: MACHINES_IMPORT },
  'machines-imports-dynamically': { ruleId: 'no-restricted-syntax', message: MACHINES_IMPORT },
  'machines-reads-the-clock': { ruleId: 'no-restricted-globals', message: MACHINES_PURE },
  'machines-sets-a-timer': { ruleId: 'no-restricted-globals', message: MACHINES_PURE },
  'machines-reads-storage': { ruleId: 'no-restricted-globals', message: MACHINES_PURE },
  'machines-fetches': { ruleId: 'no-restricted-globals', message: MACHINES_PURE },
  'machines-draws-random': { ruleId: 'no-restricted-properties', message: 'use context.config.env.random' },
  'machines-logs': { ruleId: 'no-console', message: 'Unexpected console statement' },
  'adapter-imports-adapter-by-path': { ruleId: IMPORTS, message: ADAPTER_NO_ADAPTER },
  'adapter-imports-adapter-by-subpath': { ruleId: IMPORTS, message: ADAPTER_NO_ADAPTER },
  'adapter-imports-adapter-from-nested-file': { ruleId: IMPORTS, message: ADAPTER_NO_ADAPTER },
  'adapter-imports-adapter-from-tsx': { ruleId: IMPORTS, message: ADAPTER_NO_ADAPTER },
  'adapter-imports-adapter-dynamically': { ruleId: 'no-restricted-syntax', message: ADAPTER_NO_ADAPTER },
  'adapter-imports-core-by-path': { ruleId: IMPORTS, message: ADAPTER_CORE },
  'adapter-imports-machines-by-path': { ruleId: IMPORTS, message: ADAPTER_CORE },
  'adapter-imports-test-kit': { ruleId: IMPORTS, message: ADAPTER_CORE },
}
const clean = ['src-clean', 'machines-clean', 'adapter-clean']

let eslint: ESLint

/** Lints `code` with the project's config as the file at `path` (relative to the repository). */
async function lintAs(path: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath: join(root, path) })
  return (result?.messages ?? []).map(({ ruleId, message }) => ({ path, ruleId, message }))
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  )
}

/** Lints every file of a fixture case at the path it stands for. */
async function lintCase(name: string) {
  const dir = join(fixtures, name)
  const files = filesUnder(dir)
  expect(files.length).toBeGreaterThan(0)
  const messages = await Promise.all(
    files.map((file) => lintAs(relative(dir, file).replace(/\.fixture$/, ''), readFileSync(file, 'utf8'))),
  )
  return messages.flat()
}

beforeAll(() => {
  eslint = new ESLint({ cwd: root })
})

describe('lint boundaries', () => {
  it('has an expectation for every fixture case, and a fixture for every expectation', () => {
    const cases = readdirSync(fixtures).sort()
    expect(cases).toEqual([...Object.keys(expected), ...clean].sort())
  })

  it.each(Object.entries(expected))('%s fails lint for that one reason', async (name, { ruleId, message }) => {
    const messages = await lintCase(name)
    expect(messages).toHaveLength(1)
    expect(messages[0]).toMatchObject({ ruleId })
    expect(messages[0]?.message).toContain(message)
  })

  it.each(clean)('%s passes lint, so no rule flags everything', async (name) => {
    expect(await lintCase(name)).toEqual([])
  })

  it('flags every adapter subpath in src/ and in another adapter, including adapters not written yet', async () => {
    for (const name of ['supabase', 'clerk', 'rest', 'react', 'vanilla', 'oidc', 'saml']) {
      const code = `export * from 'authchart/${name}'\n`
      expect(await lintAs('src/usesAdapter.ts', code)).toMatchObject([{ ruleId: IMPORTS }])
      expect(await lintAs('adapters/other/usesAdapter.ts', code)).toMatchObject([{ ruleId: IMPORTS }])
      const relativeCode = `export * from '../${name}/index.js'\n`
      expect(await lintAs('adapters/other/usesAdapter.ts', relativeCode)).toMatchObject([{ ruleId: IMPORTS }])
    }
  })

  it('flags every ambient effect in machines/', async () => {
    const effects = [
      'Date.now()',
      'new Date()',
      'setTimeout(() => {}, 1)',
      'clearTimeout(undefined)',
      'setInterval(() => {}, 1)',
      'Math.random()',
      'window.name',
      'document.title',
      'localStorage.length',
      'sessionStorage.length',
      "fetch('/')",
      'crypto.randomUUID()',
      'performance.now()',
      'navigator.onLine',
      'console.info(1)',
      'process.env',
      'globalThis.Date',
      'queueMicrotask(() => {})',
    ]
    for (const effect of effects) {
      const messages = await lintAs('machines/effect.ts', `export const effect = () => ${effect}\n`)
      expect(messages, effect).toHaveLength(1)
    }
  })

  it('leaves the same code alone outside machines/', async () => {
    expect(await lintAs('src/effect.ts', 'export const now = () => Date.now() + Math.random()\n')).toEqual([])
  })
})
