// The suites Stryker runs against each mutant (`npm run test:mutation`, docs/mutation.md).
//
// Stryker's vitest runner drives one Vitest instance; this config has no `projects`, so every
// test has one id and runs once per mutant, on React 19 only. It keeps the aliases and the
// unhandled-rejection guard of vitest.config.ts. It runs the core's own suites (test/src,
// test/machines, test/races) except the property-based interleavings: a surviving mutant runs
// every test that covers it, and that one test (seconds of fast-check runs) would be half of each
// such run. The adapter suites start servers and child processes and test/model takes minutes;
// docs/mutation.md says what this leaves out.
import { defineConfig } from 'vitest/config'
import { KillersFirstSequencer } from './test/setup/killersFirstSequencer.js'
import base from './vitest.config.js'

export default defineConfig({
  resolve: base.resolve,
  test: {
    setupFiles: ['test/setup/failOnUnhandledRejection.ts'],
    include: ['test/src/**/*.test.ts', 'test/machines/**/*.test.ts', 'test/races/**/*.test.ts'],
    // test/src/testing runs the scenario generator (hundreds of scenarios, real servers): it tests
    // src/testing, which is not mutated, and would run for every mutant it covers.
    exclude: ['test/races/interleavings.test.ts', 'test/src/testing/**'],
    // One worker runs every file of a mutant's run. Isolating each file in a fresh worker
    // re-imports xstate, zod and the core per file, which doubled the run; these suites share no
    // module state (their global stubs are undone in afterEach).
    isolate: false,
    sequence: { sequencer: KillersFirstSequencer },
    // Tests run on fake time and finish in milliseconds: a mutant that makes one hang fails it
    // within 5 s, and the report says "timed out" so docs/mutation.md can tell it from an assertion.
    testTimeout: 5_000,
    provide: { reactMajor: '19' },
  },
})
