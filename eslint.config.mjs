// Lint rules for the whole repository: typescript-eslint's type-aware recommended
// set, plus the rules that guard what this codebase depends on (no promise left
// unhandled, exhaustive switches over unions, type-only imports kept apart).
// Formatting is Prettier's job (npm run format:check), so no stylistic rules here.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// A lib is imported by its name (`#libs/events`, package.json "imports"), which resolves
// to its index.ts: the lib's public surface. A relative path into libs/ or a path to a
// file inside a lib would reach around it.
const LIB_IMPORT_PATTERNS = [
  { regex: '^\\.{1,2}/(.*/)?libs/', message: 'Import a lib by its name: #libs/<name>.' },
  { regex: '^#libs/[^/]+/', message: "Import what the lib's index.ts exports: #libs/<name>, not a file inside it." },
];

export default tseslint.config(
  {
    ignores: ['node_modules/', 'libs/db/generated/', 'services/web/dist/', 'bench/results/', '**/*.mjs', '**/*.mts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { patterns: LIB_IMPORT_PATTERNS }],
    },
  },
  {
    // Inside a lib, files import their siblings (`./cursor`); another lib by its name.
    files: ['libs/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...LIB_IMPORT_PATTERNS,
            { regex: '^\\.\\./(?!\\.\\./)', message: 'Import another lib by its name: #libs/<name>.' },
          ],
        },
      ],
    },
  },
  {
    // The browser bundle shares only the contract with the services: the other libs are
    // Node code.
    files: ['services/web/src/client/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...LIB_IMPORT_PATTERNS,
            { regex: '^#libs/(?!contract$)', message: 'The browser imports only #libs/contract.' },
          ],
        },
      ],
    },
  },
  {
    // Tests and the benchmark read JSON answers whose shape is exactly what they
    // assert or report; typing each body would restate the contract under test.
    files: ['**/*.test.ts', 'test/**/*.ts', 'services/web/e2e/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
);
