// Lint rules for every package. The import restrictions keep package boundaries honest:
// a package reaches a sibling only through its public entry (`@seqrec/<name>`), never through
// a relative path or a deep `@seqrec/<name>/src/...` import.
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

module.exports = tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/build/**', '**/*.js', '!tools/**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['packages/*/src/**/*.ts'],
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/seqrec-*', '**/seqrec-*/**'], message: 'Import sibling packages by name (@seqrec/<name>), not by relative path.' },
          { group: ['@seqrec/*/*'], message: 'Import only the public entry of a seqrec package.' },
        ],
      }],
    },
  },
  {
    files: ['tools/**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly', console: 'readonly', jest: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
