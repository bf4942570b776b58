// The suites Stryker runs against each mutant (`npm run test:mutation`, docs/mutation.md). Stryker's
// vitest runner drives one Vitest instance; this config has no `projects`, so every test has one id
// and runs once per mutant, on React 19 only. It keeps the aliases and the unhandled-rejection guard
// of vitest.config.ts and leaves out the suites that start Chromium, Redis or child-process servers:
// they cost seconds per mutant and reach the core only through paths the fast suites already cover.
import { defineConfig } from 'vitest/config'
import base from './vitest.config.js'

export default defineConfig({
  resolve: base.resolve,
  test: {
    setupFiles: ['test/setup/failOnUnhandledRejection.ts'],
    // Tests run on fake time and finish in milliseconds; a mutant that hangs one fails it within 5 s
    // (the report names it "timed out", so docs/mutation.md can tell such kills from assertions).
    testTimeout: 5_000,
    include: [
      'test/src/**/*.test.ts',
      'test/machines/**/*.test.ts',
      'test/races/**/*.test.ts',
      'test/bugs/**/*.test.ts',
      'test/adapters/**/*.test.ts',
      'test/adapters/**/*.test.tsx',
    ],
    exclude: [
      'test/adapters/rest/redisInstances.test.ts',
      'test/adapters/rest/restServer.test.ts',
      'test/adapters/rest/seed002.test.ts',
    ],
    provide: { reactMajor: '19' },
  },
})
