import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { type Snippet, SnippetMarkerError, collectAllSnippets } from './collectSnippets.js'
import { chromiumMissing, chromiumPath } from '../e2e/launchProfile.js'
import { checkShellSnippet } from './checkShellSnippet.js'
import { runInBrowser } from './runInBrowser.js'
import type { SnippetRoutes } from './runSnippet.js'
import { SNIPPET_TSCONFIG, type SnippetFile, typecheckSnippets } from './typecheckSnippets.js'

/** What happened to one block. */
export interface SnippetOutcome {
  snippet: Snippet
  /** `partial`: skipped as marked; `checked`: checked without running; `run`: checked and run (here or by a named test). */
  result: 'partial' | 'checked' | 'run'
  /** How it was checked, or why it was not run. */
  how: string
}

export interface SnippetReport {
  files: number
  outcomes: SnippetOutcome[]
  /** One line each, starting with the doc's `file:line`. Empty when every block passed. */
  failures: string[]
}

export interface CheckSnippetsOptions {
  /** The repository: its `package.json` names the package, its `dist/` is the build the snippets import. */
  repoRoot: string
  /** Where to look for Markdown files. Default: `repoRoot`. */
  docsRoot?: string
  /** The local servers that the docs' example hosts stand for when a snippet runs. */
  routes: SnippetRoutes
}

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))
const TYPESCRIPT: Record<string, 'ts' | 'tsx' | 'js'> = {
  ts: 'ts',
  typescript: 'ts',
  tsx: 'tsx',
  js: 'js',
  javascript: 'js',
}
const SHELL = new Set(['sh', 'bash', 'shell'])
const RUN_TIMEOUT = 30_000

/** Top-level `declare` statements: the snippet names what it needs instead of building it. */
const declared = (code: string) => [...code.matchAll(/^declare (?:const|let|function|class) (\w+)/gm)].map((m) => m[1])

const at = (snippet: Snippet, line = snippet.line) => `${snippet.file}:${line}`

async function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }) {
  try {
    const { stdout, stderr } = await promisify(execFile)(command, args, { ...options, timeout: RUN_TIMEOUT })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code?: number | string; stdout?: string; stderr?: string; killed?: boolean }
    return {
      code: failed.killed ? `killed after ${RUN_TIMEOUT} ms` : (failed.code ?? 'unknown'),
      stdout: failed.stdout ?? '',
      stderr: failed.stderr ?? String(error),
    }
  }
}

/** The doc line a runtime error points at, from the snippet file's name in the stack. */
function failureLine(snippet: Snippet, path: string, stderr: string): number {
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const match = new RegExp(`${escaped}:(\\d+)`).exec(stderr)
  return match ? snippet.line + Number(match[1]) - 1 : snippet.line
}

/** The first lines of a failed run's output that say what went wrong. */
const excerpt = (text: string) =>
  text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(0, 12)
    .map((line) => `    ${line}`)
    .join('\n')

/**
 * Checks every fenced block of every Markdown file: TypeScript is typechecked against the built
 * package (imported by name, through its `exports`) and run when it is a complete program (one that
 * declares nothing): in Node, or bundled in Chromium when it is JSX or marked `browser`; shell
 * lines must name real scripts, files and flags; JSON must parse; `output-of` blocks must be
 * what their command prints; `example:` blocks must be their file; `run-by`/`checked-by` name a
 * test that reads the doc. A block marked `partial` is skipped and counted.
 *
 * @example
 * const report = await checkSnippets({ repoRoot: process.cwd(), routes: { 'api.example.com': { url: server.url } } })
 * if (report.failures.length > 0) process.exitCode = 1
 */
export async function checkSnippets(options: CheckSnippetsOptions): Promise<SnippetReport> {
  const { repoRoot, routes } = options
  const docsRoot = options.docsRoot ?? repoRoot
  const failures: string[] = []
  const outcomes: SnippetOutcome[] = []
  let snippets: Snippet[]
  try {
    snippets = await collectAllSnippets(docsRoot)
  } catch (error) {
    if (error instanceof SnippetMarkerError) return { files: 0, outcomes, failures: [error.message] }
    throw error
  }
  const files = new Set(snippets.map((s) => s.file)).size
  const packageJson = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as {
    scripts?: Record<string, string>
  }

  // Snippet files live inside the package, so that `import 'authchart'` resolves through the
  // package's own `exports` to `dist/`, as it does in a user's project.
  const dir = join(repoRoot, 'test-results', 'docs-snippets', String(process.pid))
  await rm(dir, { recursive: true, force: true })
  await mkdir(dir, { recursive: true })
  const tsconfig = join(dir, 'tsconfig.json')
  await writeFile(tsconfig, JSON.stringify(SNIPPET_TSCONFIG, null, 2))

  // Packages the snippets may import that are only declared (thirdParty.d.ts), not installed.
  const shims = await readFile(here('./thirdParty.d.ts'), 'utf8')
  const notInstalled = [...shims.matchAll(/^declare module '([^']+)'/gm)].map((match) => match[1] as string)
  const toTypecheck: (SnippetFile & { snippet: Snippet })[] = []
  const toRun: (SnippetFile & { snippet: Snippet })[] = []
  const toRunInBrowser: (SnippetFile & { snippet: Snippet })[] = []
  const pending: Promise<void>[] = []

  for (const snippet of snippets) {
    const marker = snippet.marker
    const ext = TYPESCRIPT[snippet.lang]
    if (marker?.kind === 'partial') {
      outcomes.push({ snippet, result: 'partial', how: marker.reason || 'marked partial' })
      continue
    }
    if (marker?.kind === 'run-by' || marker?.kind === 'checked-by' || marker?.kind === 'example') {
      const path = join(repoRoot, marker.path)
      if (!existsSync(path)) {
        failures.push(`${at(snippet)}: ${marker.kind} names ${marker.path}, which does not exist`)
        continue
      }
      const text = await readFile(path, 'utf8')
      if (marker.kind === 'example') {
        if (text.trimEnd() !== snippet.code.trimEnd()) {
          failures.push(`${at(snippet)}: the block differs from ${marker.path}: copy the file into the doc again`)
          continue
        }
      } else if (!text.includes(snippet.file)) {
        failures.push(
          `${at(snippet)}: ${marker.path} never mentions ${snippet.file}, so it cannot be reading this block`,
        )
        continue
      }
      const result = marker.kind === 'checked-by' ? 'checked' : 'run'
      outcomes.push({ snippet, result, how: `${marker.kind === 'example' ? 'is' : marker.kind} ${marker.path}` })
      if (!ext) continue
    }
    if (marker?.kind === 'output-of') {
      const [command = '', ...args] = marker.command.split(/\s+/)
      pending.push(
        run(command === 'node' ? process.execPath : command, args, { cwd: repoRoot }).then(
          ({ code, stdout, stderr }) => {
            if (code !== 0) failures.push(`${at(snippet)}: \`${marker.command}\` exited ${code}:\n${excerpt(stderr)}`)
            else if (stdout.trimEnd() !== snippet.code.trimEnd()) {
              failures.push(`${at(snippet)}: the block is not what \`${marker.command}\` prints now; paste its output`)
            } else outcomes.push({ snippet, result: 'run', how: `output of ${marker.command}` })
          },
        ),
      )
      continue
    }
    if (ext) {
      const path = join(dir, `${snippet.file.replace(/[^a-zA-Z0-9]+/g, '_')}_L${snippet.line}.${ext}`)
      // Each block is its own module (top-level await, no clash between blocks' names).
      await writeFile(path, `${snippet.code}\nexport {}\n`)
      const file = { path, file: snippet.file, startLine: snippet.line, snippet }
      toTypecheck.push(file)
      const names = declared(snippet.code)
      if (marker && marker.kind !== 'browser') continue // example / run-by: counted above, run by their test
      const missing = notInstalled.filter((name) => new RegExp(`from '${name}'`).test(snippet.code))
      if (names.length > 0 || missing.length > 0) {
        const why =
          names.length > 0 ? `declares ${names.join(', ')}` : `imports ${missing.join(', ')}, not installed here`
        outcomes.push({ snippet, result: 'checked', how: `typechecked; not run: ${why}` })
      } else if (marker?.kind === 'browser' || ext === 'tsx') {
        if (!chromiumMissing || process.env.CI === 'true') toRunInBrowser.push(file)
        else outcomes.push({ snippet, result: 'checked', how: `typechecked; not run: no Chromium at ${chromiumPath}` })
      } else toRun.push(file)
      continue
    }
    if (snippet.marker?.kind === 'browser') {
      failures.push(
        `${at(snippet)}: "snippet: browser" is for TypeScript blocks; this one is ${snippet.lang || 'unlabelled'}`,
      )
      continue
    }
    if (snippet.lang === 'json') {
      try {
        JSON.parse(snippet.code)
        outcomes.push({ snippet, result: 'checked', how: 'parsed as JSON' })
      } catch (error) {
        failures.push(`${at(snippet)}: not JSON: ${(error as Error).message}`)
      }
      continue
    }
    if (SHELL.has(snippet.lang)) {
      const problems = await checkShellSnippet(snippet.code, { repoRoot, scripts: packageJson.scripts ?? {} })
      for (const problem of problems) failures.push(`${at(snippet, snippet.line + problem.line)}: ${problem.message}`)
      if (problems.length === 0) outcomes.push({ snippet, result: 'checked', how: 'scripts, files and flags exist' })
      continue
    }
    failures.push(
      `${at(snippet)}: a \`${snippet.lang || 'unlabelled'}\` block the checker cannot check: label its language ` +
        '(ts, tsx, sh, json), name the test that checks it (<!-- snippet: run-by path -->), or mark it ' +
        '<!-- snippet: partial (why) -->',
    )
  }

  const typeErrors = typecheckSnippets(dir, toTypecheck, [here('./thirdParty.d.ts')])
  failures.push(...typeErrors.map((error) => error.text))
  // A block that does not typecheck is a failure, not also a block checked.
  const mistyped = new Set(toTypecheck.filter((f) => typeErrors.some((e) => e.path === f.path)).map((f) => f.snippet))
  outcomes.splice(0, outcomes.length, ...outcomes.filter((outcome) => !mistyped.has(outcome.snippet)))
  for (const file of toRun) {
    const { snippet } = file
    if (typeErrors.some((error) => error.path === file.path)) continue
    const { code, stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', here('./runSnippet.ts'), file.path],
      {
        cwd: repoRoot,
        env: { ...process.env, AUTHCHART_DOCS_ROUTES: JSON.stringify(routes), TSX_TSCONFIG_PATH: tsconfig },
      },
    )
    if (code === 0) outcomes.push({ snippet, result: 'run', how: 'typechecked and run in Node' })
    else {
      failures.push(
        `${at(snippet, failureLine(snippet, file.path, stderr))}: the block failed when run (exit ${code}):\n` +
          excerpt(`${stderr}\n${stdout}`),
      )
    }
  }
  const inBrowser = toRunInBrowser.filter((file) => !typeErrors.some((error) => error.path === file.path))
  const browserResults = await runInBrowser(
    repoRoot,
    inBrowser.map((file) => file.path),
    routes,
  )
  for (const file of inBrowser) {
    const problem = browserResults.get(file.path)
    if (problem === null) {
      outcomes.push({ snippet: file.snippet, result: 'run', how: 'typechecked, bundled and run in Chromium' })
    } else failures.push(`${at(file.snippet)}: the block failed in Chromium:\n${excerpt(problem ?? 'not run')}`)
  }
  await Promise.all(pending)
  if (failures.length === 0) await rm(dir, { recursive: true, force: true })
  outcomes.sort((a, b) => a.snippet.file.localeCompare(b.snippet.file) || a.snippet.line - b.snippet.line)
  return { files, outcomes, failures }
}
