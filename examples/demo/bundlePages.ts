import { build, type Plugin } from 'esbuild'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))

// The pages import the package by its public names, as an app would; in this repository those
// names point at the sources (the same mapping as tsconfig's `paths` and vitest's aliases).
const authchartSources: Plugin = {
  name: 'authchart-sources',
  setup(builder) {
    builder.onResolve({ filter: /^authchart(\/[a-z]+)?$/ }, ({ path }) => {
      const sub = path.slice('authchart/'.length)
      if (path === 'authchart') return { path: `${root}src/index.ts` }
      if (sub === 'testing') return { path: `${root}src/testing/index.ts` }
      return { path: `${root}adapters/${sub}/index.ts` }
    })
  },
}

/** The demo's bundled files, by the name they are served under (`react.js`, `vanilla.js`, …). */
export type DemoAssets = ReadonlyMap<string, { contentType: string; body: Uint8Array }>

/**
 * Bundles the demo pages with esbuild into memory: nothing is written, so a fresh clone
 * needs no build step before `npm run demo`.
 *
 * @example
 * const assets = await bundlePages()
 * assets.get('react.js') // { contentType: 'text/javascript; charset=utf-8', body }
 */
export async function bundlePages(): Promise<DemoAssets> {
  const result = await build({
    entryPoints: {
      react: fileURLToPath(new URL('./pages/react.tsx', import.meta.url)),
      vanilla: fileURLToPath(new URL('./pages/vanilla.ts', import.meta.url)),
      oidc: fileURLToPath(new URL('./pages/oidc.ts', import.meta.url)),
      oidcClientTs: fileURLToPath(new URL('./pages/oidcClientTs.ts', import.meta.url)),
    },
    bundle: true,
    write: false,
    outdir: 'assets',
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    // React's development build, so <StrictMode> really double-invokes, as it would for a
    // developer trying the library; the page shows that the client still restores once.
    define: { 'process.env.NODE_ENV': '"development"' },
    sourcemap: 'inline',
    logLevel: 'silent',
    plugins: [authchartSources],
  })
  const assets = new Map<string, { contentType: string; body: Uint8Array }>()
  for (const file of result.outputFiles) {
    const name = file.path.slice(file.path.lastIndexOf('/') + 1)
    assets.set(name, { contentType: 'text/javascript; charset=utf-8', body: file.contents })
  }
  return assets
}
