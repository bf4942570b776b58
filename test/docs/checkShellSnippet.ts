import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'

/** A problem on one line of a shell block; `line` counts from the block's first line (0). */
export interface ShellProblem {
  line: number
  message: string
}

export interface ShellContext {
  repoRoot: string
  /** `package.json`'s scripts. */
  scripts: Record<string, string>
}

// npm commands a newcomer may be told to type that need no script of their own.
const NPM_COMMANDS = new Set(['ci', 'install', 'i', 'ls', 'view', 'exec', 'test', 'run', 'run-script'])

/** The flags a program's `--help` lists, or null when it has none (it is not run unless its source mentions `--help`). */
async function helpFlags(repoRoot: string, file: string, cache: Map<string, Promise<Set<string> | null>>) {
  let flags = cache.get(file)
  if (!flags) {
    flags = (async () => {
      const source = await readFile(join(repoRoot, file), 'utf8')
      if (!source.includes('--help')) return null
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', file, '--help'], {
        cwd: repoRoot,
        timeout: 15_000,
      })
      return new Set(stdout.match(/--[a-z][a-z0-9-]*/g) ?? [])
    })()
    cache.set(file, flags)
  }
  return flags
}

const helpCache = new Map<string, Promise<Set<string> | null>>()

/** Checks `node [--import tsx] FILE args`: the file exists, and its flags are in its `--help`. */
async function checkNode(words: string[], context: ShellContext): Promise<string[]> {
  const rest = [...words]
  while (rest[0]?.startsWith('-')) {
    const option = rest.shift()
    if (option === '--import' || option === '-r' || option === '--require') rest.shift()
  }
  const [file, ...args] = rest
  if (!file) return [] // `node --version`
  if (!existsSync(join(context.repoRoot, file))) return [`${file} does not exist`]
  const flags = await helpFlags(context.repoRoot, file, helpCache)
  if (flags === null) return []
  return args
    .filter((arg) => arg.startsWith('--'))
    .map((arg) => arg.split('=')[0] as string)
    .filter((flag) => !flags.has(flag))
    .map((flag) => `${file} has no flag ${flag} (see its --help)`)
}

/** Checks one simple command (no `&&`), returning what is wrong with it. */
async function checkCommand(command: string, context: ShellContext): Promise<string[]> {
  const words = command.split(/\s+/).filter((word) => word !== '')
  while (/^[A-Z_][A-Z0-9_]*=/.test(words[0] ?? '')) words.shift() // FOO=bar before the command
  const [program, ...args] = words
  switch (program) {
    case undefined:
      return []
    case 'npm': {
      const [sub, ...rest] = args.filter((arg, index) => !(arg.startsWith('-') && index === 0))
      if (!sub || !NPM_COMMANDS.has(sub)) return [`npm ${sub ?? ''}: not an npm command the checker knows`]
      if (sub === 'test' && !context.scripts.test) return ['npm test: package.json has no test script']
      if (sub !== 'run' && sub !== 'run-script') return []
      const positional = rest.filter((arg) => !arg.startsWith('-'))
      const script = positional[0]
      if (!script || context.scripts[script] === undefined)
        return [`npm run ${script ?? ''}: no such script in package.json`]
      const dashes = rest.indexOf('--')
      const passed = dashes === -1 ? [] : rest.slice(dashes + 1)
      const body = context.scripts[script]
      const node = /^node\s+(.*)$/.exec(body.split('&&').at(-1)?.trim() ?? '')
      return node ? checkNode([...(node[1] ?? '').split(/\s+/), ...passed], context) : []
    }
    case 'npx': {
      const bin = args.find((arg) => !arg.startsWith('-'))
      return bin && existsSync(join(context.repoRoot, 'node_modules', '.bin', bin))
        ? []
        : [`npx ${bin ?? ''}: no such binary in node_modules/.bin`]
    }
    case 'node':
      return checkNode(args, context)
    case 'bash':
    case 'sh':
      return args[0] && existsSync(join(context.repoRoot, args[0])) ? [] : [`${args[0] ?? '(nothing)'} does not exist`]
    default:
      return [
        `\`${program}\`: the checker knows npm, npx, node and bash; mark the block partial if it is not for this repo`,
      ]
  }
}

/**
 * Checks a shell block line by line: `npm run` names a script, `npx` a binary, `node` and `bash`
 * an existing file, and a program that has `--help` gets only flags it lists.
 *
 * @example
 * const problems = await checkShellSnippet('npm ci && npm test', { repoRoot, scripts })
 */
export async function checkShellSnippet(code: string, context: ShellContext): Promise<ShellProblem[]> {
  const problems: ShellProblem[] = []
  const lines = code.split('\n')
  for (const [index, raw] of lines.entries()) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim()
    for (const command of line.split(/&&|\|\||;/)) {
      for (const message of await checkCommand(command.trim(), context)) problems.push({ line: index, message })
    }
  }
  return problems
}
