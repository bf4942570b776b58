import { pathToFileURL } from 'node:url'

// Runs one doc snippet as a program, the way a user would run it in Node, except that requests to
// the docs' example API (https://api.example.com) go to the reference server the checker started
// (AUTHCHART_DOCS_API). Exits 0 once the snippet's top level has finished: its client's timers
// would otherwise keep the process alive.

const [file] = process.argv.slice(2)
const api = process.env.AUTHCHART_DOCS_API
if (!file || !api) throw new Error('usage: AUTHCHART_DOCS_API=<url> node --import tsx runSnippet.ts <snippet.ts>')

const EXAMPLE_API = 'api.example.com'
const realFetch = globalThis.fetch
globalThis.fetch = (input: string | URL | Request, init?: RequestInit) => {
  const url = new URL(input instanceof Request ? input.url : String(input))
  if (url.hostname !== EXAMPLE_API) return realFetch(input, init)
  const target = new URL(`${url.pathname}${url.search}`, api)
  return realFetch(input instanceof Request ? new Request(target, input) : target, init)
}

// A snippet whose promise rejects unhandled is broken, even if its top level finished.
process.on('unhandledRejection', (reason) => {
  process.stderr.write(
    `unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}\n`,
  )
  process.exit(1)
})

await import(pathToFileURL(file).href)
process.exit(0)
