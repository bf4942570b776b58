import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import type { Plugin } from 'vite'
import { defineConfig } from 'vitest/config'

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))

// React 18 lives in the `test/react18` workspace, beside the root's React 19.
const react18Workspace = here('./test/react18')
const requireFromReact18 = createRequire(`${react18Workspace}/package.json`)

/** Resolves every `react` and `react-dom` import Vite sees to the React 18 copy. */
function useReact18(): Plugin {
  return {
    name: 'authchart:react18',
    enforce: 'pre',
    resolveId(source) {
      return /^react(-dom)?(\/|$)/.test(source) ? requireFromReact18.resolve(source) : null
    },
  }
}

export default defineConfig({
  resolve: {
    // Tests import the public entry points by name, as a user would.
    alias: [
      { find: /^authchart\/testing$/, replacement: here('./src/testing/index.ts') },
      { find: /^authchart\/testing\/node$/, replacement: here('./src/testing/node/index.ts') },
      { find: /^authchart\/([a-z]+)$/, replacement: here('./adapters/$1/index.ts') },
      { find: /^authchart$/, replacement: here('./src/index.ts') },
    ],
  },
  test: {
    setupFiles: ['test/setup/failOnUnhandledRejection.ts'],
    testTimeout: 20_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'main',
          include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
          provide: { reactMajor: '19' },
        },
      },
      {
        // The React adapter's suites again, on React 18: the peer range promises both.
        extends: true,
        plugins: [useReact18()],
        test: {
          name: 'react18',
          include: ['test/adapters/react/**/*.test.tsx'],
          setupFiles: ['test/setup/useReact18.ts'],
          provide: { reactMajor: '18', react18Workspace },
          // Processed by Vite, so its `import 'react'` meets the plugin above.
          server: { deps: { inline: ['@xstate/react'] } },
        },
      },
    ],
  },
})
