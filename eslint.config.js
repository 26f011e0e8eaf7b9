// Lint: type-aware rules that catch what tests miss (floating promises, misused promises).
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'var/**', 'out/**', 'coverage/**', '.cache/**'] },
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'error',
    },
  },
  {
    // A command imports nothing from another command (commands/index.ts lists them all): what two
    // commands share lives in src/answer/ (words, tables, colours) or src/command/ (options, universes).
    files: ['commands/*.ts'],
    ignores: ['commands/index.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['./*', '../commands/*'], message: 'Commands import nothing from other commands; move what they share to src/answer/ or src/command/.' }] }],
    },
  },
  {
    // No cast on an indexed read: `xs[i] as number` silences noUncheckedIndexedAccess and turns an index
    // past the end into a NaN in chat; `at(xs, i)` (src/core/at.ts) throws IndexOutOfRangeError instead.
    files: ['src/**/*.ts', 'commands/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'TSAsExpression > MemberExpression[computed=true]', message: 'Read with at(xs, i) (src/core/at.ts) instead of casting an indexed read.' },
        { selector: 'TSNonNullExpression > MemberExpression[computed=true]', message: 'Read with at(xs, i) (src/core/at.ts) instead of asserting an indexed read.' },
      ],
    },
  },
  { files: ['eslint.config.js', 'scripts/**/*.mjs', 'test/**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  { files: ['scripts/**/*.mjs', 'test/**/*.mjs'], languageOptions: { globals: { process: 'readonly' } } },
);
