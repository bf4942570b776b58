// Lint rules that carry the project's standards, not only style: the dependency direction between
// src/, machines/ and the adapters, machines/ free of ambient effects, and no swallowed failure.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

// The dependency direction of docs/architecture.md: machines/ imports only xstate and the pure
// types and errors of src/, src/ never imports an adapter, an adapter imports only the public
// core ('authchart') and never another adapter. test/lint/boundaries.test.ts proves each rule
// with a fixture that must fail.
const MACHINES_IMPORT =
  "machines/ is pure: it imports only xstate, other machines/ files, src/ types and '../src/errors.js'"
/** The only src/ modules machines/ may import values from: pure, with no effect at import. */
const MACHINES_SRC_VALUES = ['errors\\.js']
const MACHINES_PURE = 'machines/ is pure: take time and effects from the injected env and actors'
/** Time, randomness, I/O, storage, the page, the process: all reach the chart through its env. */
const MACHINES_GLOBALS = [
  'Date',
  'setTimeout',
  'clearTimeout',
  'setInterval',
  'clearInterval',
  'setImmediate',
  'clearImmediate',
  'queueMicrotask',
  'requestAnimationFrame',
  'requestIdleCallback',
  'performance',
  'crypto',
  'fetch',
  'XMLHttpRequest',
  'WebSocket',
  'EventSource',
  'BroadcastChannel',
  'localStorage',
  'sessionStorage',
  'indexedDB',
  'caches',
  'window',
  'self',
  'globalThis',
  'global',
  'document',
  'navigator',
  'location',
  'history',
  'addEventListener',
  'removeEventListener',
  'dispatchEvent',
  'postMessage',
  'process',
  'Buffer',
  'require',
]
/** A relative or absolute path through an `adapters` folder. */
const ADAPTER_PATH = '(?:^|/)adapters(?:/|$)'
/** An adapter's package subpath: every `authchart/<name>` but the test kit. */
const ADAPTER_SUBPATH = '^authchart/(?!testing$)'
const SRC_NO_ADAPTER = 'src/ never imports an adapter: adapters depend on the core, not the reverse'
const ADAPTER_CORE = "adapters import the core only as 'authchart', never src/, machines/ or the test kit"
const ADAPTER_NO_ADAPTER =
  "an adapter never imports another adapter: relative imports stay in its own folder, and 'authchart/<name>' is another adapter"
/**
 * Import restrictions as rules: each pattern for static imports and re-exports, and the same regex
 * for a dynamic `import()` of a literal, which `no-restricted-imports` does not see.
 */
const restrictImports = (patterns) => ({
  '@typescript-eslint/no-restricted-imports': ['error', { patterns }],
  'no-restricted-syntax': [
    'error',
    ...patterns.map(({ regex, message }) => ({
      // esquery ends a regex at the first slash, so slashes are written as \x2F.
      selector: `ImportExpression > Literal[value=/${regex.replaceAll('/', '\\x2F')}/]`,
      message,
    })),
  ],
})

export default tseslint.config(
  {
    // The lint fixtures break the rules on purpose; test/lint/boundaries.test.ts lints them as
    // if they lived in src/, machines/ or adapters/.
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'test-results/**',
      '.data/**',
      'test/lint/fixtures/**',
      'reports/**',
      '.stryker-tmp/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      'no-empty': ['error', { allowEmptyCatch: false }],
      // A variable read in a closure before its one assignment (a client built after the object
      // that calls back into it) cannot be const.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['machines/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              // Anything but xstate, a sibling in machines/, or a file directly in src/.
              regex: '^(?!(?:xstate|\\./[\\w-][\\w.-]*|\\.\\./src/[\\w-][\\w.-]*)$)',
              message: MACHINES_IMPORT,
            },
            {
              // A file directly in src/ (the rule above covers the rest): types only, but for the pure ones.
              regex: `^\\.\\./src/(?!(?:${MACHINES_SRC_VALUES.join('|')})$)[\\w-][\\w.-]*$`,
              allowTypeImports: true,
              message: MACHINES_IMPORT,
            },
          ],
        },
      ],
      'no-restricted-syntax': ['error', { selector: 'ImportExpression', message: MACHINES_IMPORT }],
      'no-restricted-globals': ['error', ...MACHINES_GLOBALS.map((name) => ({ name, message: MACHINES_PURE }))],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'use context.config.env.random' },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: restrictImports([
      { regex: ADAPTER_PATH, message: SRC_NO_ADAPTER },
      { regex: ADAPTER_SUBPATH, message: SRC_NO_ADAPTER },
    ]),
  },
  {
    files: ['src/**/*.ts', 'machines/**/*.ts', 'adapters/**/*.ts', 'adapters/**/*.tsx'],
    ignores: ['src/AuthLogger.ts'],
    rules: { 'no-console': 'error' },
  },
  // One block per folder depth inside an adapter, so that a relative import is flagged exactly
  // when it climbs out of its own adapter folder, whatever the adapter is called.
  ...[0, 1, 2, 3].map((depth) => {
    const nested = '*/'.repeat(depth)
    const leaves = `^(?:\\./)?(?:\\.\\./){${depth + 1}}`
    return {
      files: [`adapters/*/${nested}*.ts`, `adapters/*/${nested}*.tsx`],
      rules: restrictImports([
        { regex: '(?:^|/)(?:src|machines)(?:/|$)', message: ADAPTER_CORE },
        { regex: `${leaves}(?!(?:.*/)?(?:src|machines)(?:/|$))`, message: ADAPTER_NO_ADAPTER },
        { regex: '^authchart/testing$', message: ADAPTER_CORE },
        { regex: ADAPTER_SUBPATH, message: ADAPTER_NO_ADAPTER },
      ]),
    }
  }),
)
