import { HELP_HINT, parseRestServerArgs } from './parseRestServerArgs.js'
import { startRestServer } from './startRestServer.js'

// The reference auth server as a process: `npm run rest-server -- --help` lists its flags, each
// with its environment variable and default (the table in restServerFlags.ts). With no
// configuration it keeps its state in SQLite under .data/rest-server and listens on
// 127.0.0.1:8787.

const args = parseRestServerArgs(process.argv.slice(2), process.env)
if (args.kind === 'help') {
  process.stdout.write(args.text)
  process.exit(0)
}
if (args.kind === 'usageError') {
  // A mistake on the command line is the user's to fix: one line and the hint, no stack trace.
  process.stderr.write(`${args.message}\n${HELP_HINT}\n`)
  process.exit(2)
}

const server = await startRestServer(args.options)
process.stdout.write(`rest-server listening on ${server.url} (store: ${server.storeKind})\n`)
process.stdout.write('demo users: ada@example.com / lovelace, grace@example.com / hopper\n')

let stopping = false
const stop = (why: string) => {
  if (stopping) return
  stopping = true
  process.stderr.write(`rest-server stopping (${why})\n`)
  server.close().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`rest-server: close failed: ${String(error)}\n`)
      process.exit(1)
    },
  )
}
process.on('SIGTERM', () => stop('SIGTERM'))
process.on('SIGINT', () => stop('SIGINT'))
if (args.exitOnStdinEnd) {
  process.stdin.on('end', () => stop('stdin closed')).resume()
}
