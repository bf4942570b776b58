import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { pathToFileURL } from 'node:url'
import { format } from 'node:util'

// Runs one doc snippet as a program, the way a user would run it in Node, except that requests to
// the docs' example hosts (https://api.example.com, https://your-project.supabase.co) go to the
// local servers the checker started (AUTHCHART_DOCS_ROUTES, a JSON `SnippetRoutes`). Exits 0
// once the snippet's top level has finished: its client's timers would otherwise keep it alive.
// A line `console.log(…) // 'authenticated'` (a string, number, boolean or null after the `//`)
// must print that value: the comment a reader trusts is checked.

/** Example host → the local server standing in for it, and placeholder header values to replace. */
export type SnippetRoutes = Record<string, { url: string; substitute?: Record<string, string> }>

const [file] = process.argv.slice(2)
const routesJson = process.env.AUTHCHART_DOCS_ROUTES
if (!file || !routesJson)
  throw new Error('usage: AUTHCHART_DOCS_ROUTES=<json> node --import tsx runSnippet.ts <snippet.ts>')
const routes = JSON.parse(routesJson) as SnippetRoutes

const realFetch = globalThis.fetch
globalThis.fetch = (input: string | URL | Request, init?: RequestInit) => {
  const request = new Request(input, init)
  const url = new URL(request.url)
  const route = routes[url.hostname]
  if (!route) return realFetch(input, init)
  const headers = new Headers(request.headers)
  headers.forEach((value, name) => {
    let replaced = value
    for (const [placeholder, real] of Object.entries(route.substitute ?? {}))
      replaced = replaced.replaceAll(placeholder, real)
    headers.set(name, replaced)
  })
  const target = new URL(`${url.pathname}${url.search}`, route.url)
  return realFetch(
    new Request(target, {
      method: request.method,
      headers,
      body: request.body,
      signal: request.signal,
      duplex: 'half',
    } as RequestInit),
  )
}

// A snippet whose promise rejects unhandled is broken, even if its top level finished.
process.on('unhandledRejection', (reason) => {
  process.stderr.write(
    `unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}\n`,
  )
  process.exit(1)
})

const LITERAL = /console\.log\(.*\)\s*\/\/\s*(?:'([^']*)'|"([^"]*)"|(-?\d+(?:\.\d+)?|true|false|null))(?=$|[\s:;,])/
const expected = new Map<number, string>()
readFileSync(file, 'utf8')
  .split('\n')
  .forEach((text, index) => {
    const match = LITERAL.exec(text)
    if (match) expected.set(index + 1, (match[1] ?? match[2] ?? match[3]) as string)
  })
const printed = new Map<number, string[]>()
const realLog = console.log
const here = new RegExp(`${basename(file).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+)`)
console.log = (...args: unknown[]) => {
  const line = Number(here.exec(new Error().stack ?? '')?.[1])
  if (line) printed.set(line, [...(printed.get(line) ?? []), format(...args)])
  realLog(...args)
}

await import(pathToFileURL(file).href)
for (const [line, want] of expected) {
  const got = printed.get(line) ?? []
  if (!got.includes(want)) {
    process.stderr.write(
      `${file}:${line}: the comment says this prints ${JSON.stringify(want)}, ` +
        `but it printed ${got.length === 0 ? 'nothing' : got.map((text) => JSON.stringify(text)).join(', ')}\n`,
    )
    process.exit(1)
  }
}
process.exit(0)
