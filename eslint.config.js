// ESLint flat config for the whole workspace: TypeScript rules everywhere, plus the module
// boundary rule (server modules reach each other only through their index.ts).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const boundaryMessage = 'Import another module only through its index.ts (ENGINEERING.md, habit 6).';
const moduleBoundary = [
  // From apps/server/src/modules/<a>/x.ts into a sibling's internals: ../<b>/<not index.ts>
  { regex: '^\\.\\./(?!\\.\\.)[a-z-]+/(?!index\\.ts$).+$', message: boundaryMessage },
  // From a nested file, modules/<a>/use-cases/x.ts: ../../<b>/<not index.ts> (platform/ is shared infrastructure)
  { regex: '^\\.\\./\\.\\./(?!\\.\\.|platform/|test/)[a-z-]+/(?!index\\.ts$).+$', message: boundaryMessage },
];
const intoModuleInternals = {
  // From platform/, app.ts or main.ts: …/modules/<b>/<not index.ts>
  regex: '(^|/)modules/[a-z-]+/(?!index\\.ts$)[^/]+.*$',
  message: 'Import a module only through its index.ts (ENGINEERING.md, habit 6).',
};

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'data/**', '**/test-results/**', '**/playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
    },
  },
  {
    files: ['apps/server/src/modules/*/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: moduleBoundary }] },
  },
  {
    files: ['apps/server/src/platform/**/*.ts', 'apps/server/src/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [intoModuleInternals] }] },
  },
  {
    files: ['apps/web/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
