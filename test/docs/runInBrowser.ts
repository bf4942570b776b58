import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { build, type Plugin } from 'esbuild'
import type { Page } from 'playwright-core'
import { launchProfile } from '../e2e/launchProfile.js'
import type { SnippetRoutes } from './runSnippet.js'

/** Resolves `authchart` and `authchart/<entry>` through the package's own `exports`, to `dist/`. */
function packageExports(repoRoot: string): Plugin {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
    exports: Record<string, { default?: string }>
  }
  return {
    name: 'authchart-exports',
    setup(builder) {
      builder.onResolve({ filter: /^authchart(\/[a-z-]+)?$/ }, ({ path }) => {
        const key = path === 'authchart' ? '.' : `./${path.slice('authchart/'.length)}`
        const target = pkg.exports[key]?.default
        return target ? { path: join(repoRoot, target) } : { errors: [{ text: `authchart exports no ${key}` }] }
      })
    },
  }
}

const PAGE = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>doc snippet</title></head>
  <body>
    <div id="root"></div>
    <script type="module">
      // The snippet's top level, top-level await included, has finished once its import settles.
      import('./snippet.js').then(
        () => (window.__snippet = 'done'),
        (error) => (window.__snippet = 'failed: ' + (error && error.stack ? error.stack : String(error))),
      )
    </script>
  </body>
</html>
`

/** Answers the docs' example hosts from the local servers, with the CORS headers a real API would send. */
async function routeExampleHosts(page: Page, routes: SnippetRoutes, origin: string) {
  await page.route(
    (url) => url.origin !== origin,
    async (route) => {
      const request = route.request()
      const url = new URL(request.url())
      const target = routes[url.hostname]
      // Only loopback traffic: anything else (a CDN, an inspector's site) is cut off.
      if (!target) return route.abort('blockedbyclient')
      const cors = {
        'access-control-allow-origin': origin,
        'access-control-allow-credentials': 'true',
        'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
        'access-control-allow-headers': request.headers()['access-control-request-headers'] ?? '*',
      }
      if (request.method() === 'OPTIONS') return route.fulfill({ status: 204, headers: cors })
      const headers = Object.fromEntries(
        Object.entries(request.headers()).map(([name, value]) => [
          name,
          Object.entries(target.substitute ?? {}).reduce((text, [from, to]) => text.replaceAll(from, to), value),
        ]),
      )
      const response = await route.fetch({ url: new URL(`${url.pathname}${url.search}`, target.url).href, headers })
      return route.fulfill({ response, headers: { ...response.headers(), ...cors } })
    },
  )
}

/**
 * Bundles each snippet with esbuild (`authchart` from the built package) and runs it as a module
 * in a page of headless Chromium, with a `#root` element to render into. Returns, per snippet
 * file, null when it ran to the end with no page error and no console error, or what went wrong.
 *
 * @example
 * const problems = await runInBrowser(repoRoot, ['/tmp/x/react_md_L16.tsx'], routes)
 */
export async function runInBrowser(
  repoRoot: string,
  files: string[],
  routes: SnippetRoutes,
): Promise<Map<string, string | null>> {
  const results = new Map<string, string | null>()
  const bundles = new Map<string, string>()
  const server = createServer((req, res) => {
    const [, index = '', file = ''] = /^\/(\d+)\/(.*)$/.exec(req.url ?? '') ?? []
    const bundle = bundles.get(index)
    if (bundle === undefined) return res.writeHead(404).end()
    if (file === 'snippet.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle)
    if (file === '') return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE)
    return res.writeHead(404).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  try {
    for (const [index, file] of files.entries()) {
      const built = await build({
        entryPoints: [file],
        bundle: true,
        format: 'esm',
        platform: 'browser',
        write: false,
        jsx: 'automatic',
        logLevel: 'silent',
        define: { 'process.env.NODE_ENV': '"development"' },
        plugins: [packageExports(repoRoot)],
      }).catch((error: Error) => error)
      if (built instanceof Error) {
        results.set(file, `esbuild could not bundle it: ${built.message}`)
        continue
      }
      bundles.set(String(index), built.outputFiles[0]?.text ?? '')
      // A fresh profile per snippet: nothing one snippet stores reaches the next.
      const profile = await launchProfile()
      try {
        const page = await profile.context.newPage()
        const problems: string[] = []
        page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
        page.on('console', (message) => {
          if (message.type() === 'error') problems.push(`console error: ${message.text()}`)
        })
        await routeExampleHosts(page, routes, origin)
        await page.goto(`${origin}/${index}/`)
        const outcome = await page
          .waitForFunction(() => (window as { __snippet?: string }).__snippet, undefined, { timeout: 20_000 })
          .then((handle) => handle.jsonValue() as Promise<string>)
          .catch(() => 'failed: its top level did not finish within 20 s')
        // Two frames: long enough for a render that the top level scheduled to run and fail.
        await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))))
        if (outcome !== 'done') problems.unshift(outcome)
        results.set(file, problems.length === 0 ? null : problems.join('\n'))
      } finally {
        await profile.close()
      }
    }
  } finally {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
  return results
}
