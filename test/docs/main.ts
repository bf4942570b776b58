import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startRestServer } from '../../examples/rest-server/startRestServer.js'
import { startSupabaseEmulator } from '../fixtures/supabase/startSupabaseEmulator.js'
import { checkSnippets } from './checkSnippets.js'

// `npm run test:docs`: checks every code block of every Markdown file in the repository against
// the built package (run `npm run build` first; `npm test` does). Prints what it checked, ran and
// skipped as partial, and each failure at its file and line.

const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
if (!existsSync(join(repoRoot, 'dist/src/index.d.ts'))) {
  process.stderr.write('test:docs: no build in dist/: run `npm run build` first (npm test does)\n')
  process.exit(1)
}

// What the docs' example hosts stand for: https://api.example.com is the reference server, on a
// durable store in a temporary folder; https://your-project.supabase.co is the GoTrue stand-in
// (the docs' 'your-anon-key' becomes its anon key), both with the docs' user.
const dataDir = await mkdtemp(join(tmpdir(), 'authchart-docs-api-'))
const log: string[] = []
const server = await startRestServer({ dataDir, log: (line) => log.push(line) })
const supabase = await startSupabaseEmulator()
supabase.gotrue.addUser('ada@example.com', 'lovelace')
try {
  const report = await checkSnippets({
    repoRoot,
    routes: {
      'api.example.com': { url: server.url },
      'your-project.supabase.co': { url: supabase.url, substitute: { 'your-anon-key': supabase.anonKey } },
    },
  })
  const count = (result: string) => report.outcomes.filter((outcome) => outcome.result === result).length
  const [run, checkedOnly, partial] = [count('run'), count('checked'), count('partial')]
  process.stdout.write(
    `docs snippets, ${report.files} Markdown files: ${run + checkedOnly} blocks checked (${run} of them run), ` +
      `${partial} marked partial, ${report.failures.length} failures\n`,
  )
  for (const outcome of report.outcomes) {
    process.stdout.write(`  ${outcome.result}: ${outcome.snippet.file}:${outcome.snippet.line} (${outcome.how})\n`)
  }
  if (report.failures.length > 0) {
    process.stderr.write(`\n${report.failures.length} broken:\n${report.failures.map((f) => `  ${f}`).join('\n')}\n`)
    process.exitCode = 1
  }
} finally {
  await Promise.all([server.close(), supabase.close()])
  await rm(dataDir, { recursive: true, force: true })
}
