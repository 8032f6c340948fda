// Lint (`npm run lint`): ESLint with typescript-eslint's type-aware rules; formatting is Prettier's
// (.prettierrc.json). Why these tools and these rules: CONTRIBUTING.md, "Lint and format".
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'release/', 'test-results/', 'node_modules/', 'test/fixtures/', '**/*.d.ts'] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // Each file is checked with the tsconfig.json nearest to it: shared/ without Node or DOM,
        // renderer/ with the DOM, everything else with Node.
        projectService: { allowDefaultProject: ['*.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // The issue-13 minimum: every promise is awaited, returned or voided on purpose; a rejection
      // reason or a thrown value is an Error; a .catch() callback gets `unknown`, not `any`.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/only-throw-error': 'error',
      // Passing on a caught `unknown` as it is stays allowed: wrapping it would hide what was thrown.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
      '@typescript-eslint/use-unknown-in-catch-callback-variable': 'error',
      // `async` without `await` is how an implementation of an async interface turns a throw into a
      // rejection (the in-memory broker, stand-ins in tests): not a mistake here.
      '@typescript-eslint/require-await': 'off',
      // Const enums here are named tables of character codes, compared with plain numbers on purpose.
      '@typescript-eslint/no-unsafe-enum-comparison': 'off',
      // `_`-prefixed names are deliberately unused (the compiler's noUnused* options agree).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    // Tests: vitest's asymmetric matchers (`expect.any`, `expect.objectContaining`, …) are typed `any`
    // by vitest itself.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-unsafe-assignment': 'off' },
  },
  {
    // The code generator writes its output with a tag (`` w.t`…` ``, shared/codegen/module.ts): a
    // tagged template used as a statement is a write there, not a forgotten value.
    files: ['shared/codegen/**/*.ts'],
    rules: { '@typescript-eslint/no-unused-expressions': ['error', { allowTaggedTemplates: true }] },
  },
  {
    // Electron loads a sandboxed preload as CommonJS: `import x = require()` is how TypeScript writes that.
    files: ['**/*.cts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Plain JavaScript (this file, test/*.mjs): Node globals, no type-aware rules.
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: {
        process: 'readonly',
        console: 'readonly',
        fetch: 'readonly',
        AbortSignal: 'readonly',
        URL: 'readonly',
      },
    },
  },
);
