import { parseArgs } from 'node:util'
import { startDemo } from './startDemo.js'

// `npm run demo`: the browser demo on http://127.0.0.1:5173 with nothing to configure. The REST
// server keeps its state in SQLite under .data/demo, so sessions survive a restart of either.

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    'access-token-ttl': { type: 'string' },
    'data-dir': { type: 'string' },
  },
})
const number = (value: string | undefined) => (value === undefined || value === '' ? undefined : Number(value))

const demo = await startDemo({
  port: number(values.port ?? process.env.PORT) ?? 5173,
  accessTokenTtl: number(values['access-token-ttl']) ?? 30,
  dataDir: values['data-dir'],
})
process.stdout.write(`authchart demo: ${demo.url}  (vanilla JS: ${demo.url}vanilla, OIDC: ${demo.url}oidc)\n`)
process.stdout.write('sign in as ada@example.com / lovelace or grace@example.com / hopper; Ctrl-C stops\n')

let stopping = false
const stop = (why: string) => {
  if (stopping) return
  stopping = true
  process.stderr.write(`demo stopping (${why})\n`)
  demo.close().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`demo: close failed: ${String(error)}\n`)
      process.exit(1)
    },
  )
}
process.on('SIGINT', () => stop('SIGINT'))
process.on('SIGTERM', () => stop('SIGTERM'))
