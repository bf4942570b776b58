import { pathToFileURL } from 'node:url'

// Runs one doc snippet as a program, the way a user would run it in Node, except that requests to
// the docs' example hosts (https://api.example.com, https://your-project.supabase.co) go to the
// local servers the checker started (AUTHCHART_DOCS_ROUTES, a JSON `SnippetRoutes`). Exits 0
// once the snippet's top level has finished: its client's timers would otherwise keep it alive.

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

await import(pathToFileURL(file).href)
process.exit(0)
