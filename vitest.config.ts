import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))

export default defineConfig({
  resolve: {
    // Tests import the public entry points by name, as a user would.
    alias: [
      { find: /^authchart\/testing$/, replacement: here('./src/testing/index.ts') },
      { find: /^authchart\/([a-z]+)$/, replacement: here('./adapters/$1/index.ts') },
      { find: /^authchart$/, replacement: here('./src/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    setupFiles: ['test/setup/failOnUnhandledRejection.ts'],
    testTimeout: 20_000,
  },
})
