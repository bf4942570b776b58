import { parseArgs, type ParseArgsConfig } from 'node:util'
import { REST_SERVER_FLAGS, type RestServerFlag } from './restServerFlags.js'
import type { RestServerOptions } from './startRestServer.js'

/** What the command line asks for: run the server, print the help, or stop on a mistake. */
export type RestServerArgs =
  | { kind: 'run'; options: RestServerOptions; exitOnStdinEnd: boolean }
  | { kind: 'help'; text: string }
  | { kind: 'usageError'; message: string }

const USAGE = 'npm run rest-server -- [options]'
export const HELP_HINT = `Run \`${USAGE.replace('[options]', '--help')}\` to see every option.`

const placeholder: Record<RestServerFlag['kind'], string> = {
  number: ' <number>',
  seconds: ' <seconds>',
  string: ' <value>',
  list: ' <origin>',
  boolean: '',
}

/**
 * The `--help` text, built from `REST_SERVER_FLAGS`: every flag, its environment variable and
 * its default.
 *
 * @example
 * process.stdout.write(restServerHelp())
 */
export function restServerHelp(flags: readonly RestServerFlag[] = REST_SERVER_FLAGS): string {
  const rows = flags.map((flag) => ({
    flag: `--${flag.name}${placeholder[flag.kind]}`,
    env: flag.env ?? '',
    fallback: flag.default === undefined ? 'none' : flag.default === false ? 'off' : String(flag.default),
    description: flag.description,
  }))
  const width = (key: 'flag' | 'env' | 'fallback', title: string) =>
    Math.max(title.length, ...rows.map((row) => row[key].length))
  const [flagWidth, envWidth, defaultWidth] = [
    width('flag', 'option'),
    width('env', 'env'),
    width('fallback', 'default'),
  ]
  const line = (flag: string, env: string, fallback: string, description: string) =>
    `  ${flag.padEnd(flagWidth)}  ${env.padEnd(envWidth)}  ${fallback.padEnd(defaultWidth)}  ${description}`.trimEnd()
  return [
    `Usage: ${USAGE}`,
    '',
    'The reference auth server for authchart/rest: ES256 access tokens, a JWKS, and rotating refresh',
    'tokens kept in a durable store (SQLite by default, Redis with --redis-url) that survive restarts.',
    'A flag wins over its environment variable; an empty variable counts as unset.',
    '',
    line('option', 'env', 'default', 'what it does'),
    ...rows.map((row) => line(row.flag, row.env, row.fallback, row.description)),
    '',
  ].join('\n')
}

const NUMBER_SHAPE = { number: /^\d+$/, seconds: /^\d+(\.\d+)?$/ }
const NUMBER_WORDS = { number: 'a whole number of 0 or more', seconds: 'a number of seconds >= 0' }

/** A flag's value from its text, or a message saying what is wrong with it. */
function convert(flag: RestServerFlag, text: string, from: string): { value: unknown } | { message: string } {
  if (flag.kind === 'list') return { value: text.split(',').filter((part) => part !== '') }
  if (flag.kind !== 'number' && flag.kind !== 'seconds') return { value: text }
  // A shape, not Number(): `1e3`, `0x10` and ` 5` are numbers to JavaScript but not what anyone types.
  if (!NUMBER_SHAPE[flag.kind].test(text)) {
    return { message: `rest-server: ${from} must be ${NUMBER_WORDS[flag.kind]}, not ${JSON.stringify(text)}` }
  }
  return { value: Number(text) }
}

/**
 * Reads the reference server's command line and environment against `REST_SERVER_FLAGS`. Never
 * throws: an unknown flag or a bad value is a `usageError` with a one-line message.
 *
 * @example
 * const args = parseRestServerArgs(process.argv.slice(2), process.env)
 * if (args.kind === 'run') await startRestServer(args.options)
 */
export function parseRestServerArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  flags: readonly RestServerFlag[] = REST_SERVER_FLAGS,
): RestServerArgs {
  const config: ParseArgsConfig['options'] = {}
  for (const flag of flags) {
    config[flag.name] = { type: flag.kind === 'boolean' ? 'boolean' : 'string', multiple: flag.kind === 'list' }
  }
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>
  try {
    values = parseArgs({ args: [...argv], options: config, strict: true, allowPositionals: false }).values
  } catch (error) {
    // parseArgs's own message names the flag ("Unknown option '--prot'"); its stack helps nobody.
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error)
    return { kind: 'usageError', message: `rest-server: ${message}` }
  }
  if (values.help === true) return { kind: 'help', text: restServerHelp(flags) }

  const options: Record<string, unknown> = {}
  for (const flag of flags) {
    const given = values[flag.name]
    if (flag.kind === 'boolean') {
      if (flag.option) options[flag.option] = given === true
      continue
    }
    const fromEnv = flag.env === undefined || env[flag.env] === '' ? undefined : env[flag.env]
    const texts = given === undefined ? (fromEnv === undefined ? [] : [fromEnv]) : [given].flat().map(String)
    if (texts.length === 0 || !flag.option) continue
    const from = given === undefined ? `${flag.env} (--${flag.name})` : `--${flag.name}`
    const converted = texts.map((text) => convert(flag, text, from))
    const failed = converted.find((result) => 'message' in result)
    if (failed && 'message' in failed) return { kind: 'usageError', message: failed.message }
    const parsed = converted.map((result) => ('value' in result ? result.value : undefined))
    options[flag.option] = flag.kind === 'list' ? parsed.flat() : parsed[0]
  }
  for (const flag of flags) {
    if (flag.option && options[flag.option] === undefined && flag.default !== undefined) {
      options[flag.option] = flag.default
    }
  }
  return { kind: 'run', options: options as RestServerOptions, exitOnStdinEnd: values['exit-on-stdin-end'] === true }
}
