// Lint rules for every package. The import restrictions keep package boundaries honest:
// a package reaches a sibling only through its public entry (`@seqrec/<name>`), never through
// a relative path or a deep `@seqrec/<name>/src/...` import. `@seqrec/<name>/node` is the
// second entry of the packages that have Node-only code (the root entries are browser-safe).
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
          { group: ['@seqrec/*/*', '!@seqrec/*/node'], message: 'Import only the public entries of a seqrec package (@seqrec/<name>, @seqrec/<name>/node).' },
        ],
      }],
    },
  },
  {
    files: ['tools/**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly', __filename: 'readonly', console: 'readonly', jest: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
