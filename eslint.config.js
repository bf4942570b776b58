// Lint rules that carry the project's standards, not only style: machines/ stays pure, adapters
// import only the public core, and no failure is swallowed by an empty catch.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test-results/**', '.data/**'] },
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
      'no-restricted-globals': [
        'error',
        ...[
          'Date',
          'setTimeout',
          'clearTimeout',
          'setInterval',
          'fetch',
          'localStorage',
          'window',
          'document',
          'navigator',
        ].map((name) => ({
          name,
          message: 'machines/ is pure: take time and effects from the injected env and actors',
        })),
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'use context.config.env.random' },
      ],
    },
  },
  {
    files: ['src/**/*.ts', 'machines/**/*.ts', 'adapters/**/*.ts', 'adapters/**/*.tsx'],
    ignores: ['src/AuthLogger.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    files: ['adapters/**/*.ts', 'adapters/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../../src/*', '../../machines/*', '**/src/*', '**/machines/*'],
              message: "adapters import only the public core: 'authchart'",
            },
            { group: ['../*', '!../*.js'], message: 'an adapter never imports another adapter' },
          ],
        },
      ],
    },
  },
)
