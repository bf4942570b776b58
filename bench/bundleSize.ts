// 6. Bundle size: each entry point bundled for the browser with esbuild, minified and gzipped,
// with and without xstate counted, beside the peers bundled the same way.
import { readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

const root = new URL('..', import.meta.url)

async function gzipBytes(contents: string, external: string[] = []): Promise<number> {
  const result = await build({
    stdin: { contents, resolveDir: root.pathname, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    external,
    // The adapters import the core by its package name; bundle the built core for it.
    alias: external.includes('authchart') ? {} : { authchart: './dist/src/index.js' },
    logLevel: 'silent',
  })
  const output = result.outputFiles?.[0]
  if (!output) throw new Error('esbuild produced nothing')
  return gzipSync(output.contents, { level: 9 }).length
}

const toKb = (bytes: number) => Math.round((bytes / 1024) * 10) / 10

async function gzipKb(contents: string, external: string[] = []): Promise<number> {
  return toKb(await gzipBytes(contents, external))
}

/** The package's entry points, read from its `exports` (the testing kit is not shipped code). */
function entryPoints(): Array<{ name: string; file: string }> {
  const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
    exports: Record<string, string | { default: string }>
  }
  return Object.entries(pkg.exports)
    .filter(([key]) => key !== './package.json' && key !== './testing' && !key.startsWith('./testing/'))
    .map(([key, value]) => ({
      name: key === '.' ? 'authchart' : `authchart/${key.slice(2)}`,
      file: typeof value === 'string' ? value : value.default,
    }))
}

export async function benchBundleSize() {
  const peersExternal = ['react', 'react-dom', '@xstate/react', '@supabase/supabase-js', '@clerk/types']
  const entries = []
  const core = await gzipKb("export * from './dist/src/index.js'", peersExternal)
  for (const { name, file } of entryPoints()) {
    const code = `export * from '${file}'`
    const withDepsBytes = await gzipBytes(code, peersExternal)
    // oauth4webapi counts in withDeps (the OIDC adapter's users install it for it) but is not own code.
    const ownCodeBytes = await gzipBytes(code, [
      ...peersExternal,
      'xstate',
      'zod',
      'zod/*',
      'jose',
      'oauth4webapi',
      'authchart',
    ])
    entries.push({
      entry: name,
      withDepsBytes,
      ownCodeBytes,
      withDepsKb: toKb(withDepsBytes),
      withoutXstateKb: await gzipKb(code, [...peersExternal, 'xstate']),
      ownCodeKb: toKb(ownCodeBytes),
      // What an app that already ships the core pays for this entry point.
      overCoreKb:
        name === 'authchart'
          ? 0
          : Math.round(((await gzipKb(`export * from './dist/src/index.js'\n${code}`, peersExternal)) - core) * 10) /
            10,
    })
  }
  const authJsBytes = await gzipBytes("export * from '@supabase/auth-js'")
  const peers = {
    '@supabase/auth-js': toKb(authJsBytes),
    'oidc-client-ts': await gzipKb("export * from 'oidc-client-ts'"),
    '@auth0/auth0-spa-js': await gzipKb("export * from '@auth0/auth0-spa-js'"),
    oauth4webapi: await gzipKb("export * from 'oauth4webapi'"),
    xstate: await gzipKb("export * from 'xstate'"),
    'zod (classic, one object schema)': await gzipKb(
      "import * as z from 'zod'; export const s = z.object({ a: z.string() })",
    ),
    'zod/mini (one object schema)': await gzipKb(
      "import * as z from 'zod/mini'; export const s = z.object({ a: z.string() })",
    ),
    'jose decodeJwt': await gzipKb("export { decodeJwt } from 'jose'"),
  }
  const coreEntry = entries.find((entry) => entry.entry === 'authchart')
  if (!coreEntry) throw new Error("package.json exports no '.' entry")
  // The goals of the size issue: the core with its dependencies under auth-js, own code ≤ 6 000 B.
  const versusAuthJs = {
    authchartWithDepsBytes: coreEntry.withDepsBytes,
    authJsBytes,
    ratio: coreEntry.withDepsBytes / authJsBytes,
    ownCodeBytes: coreEntry.ownCodeBytes,
    goal: { underAuthJs: true, ownCodeBytes: 6_000 },
  }
  return { entries, peers, versusAuthJs }
}
