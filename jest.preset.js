// Shared jest settings. Tests run against the TypeScript sources of every package
// (the moduleNameMapper points @seqrec/<name> at packages/seqrec-<name>/src/index.ts and
// @seqrec/<name>/node at its src/node.ts),
// so a test never needs a build of the package it imports. The sources @seqrec/runtime generates
// (its wasm kernels, tfjs-core's registrations) are generated first when absent (a fresh clone).
const path = require('node:path');

module.exports = (packageDir) => ({
  displayName: path.basename(packageDir),
  rootDir: packageDir,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.test.ts'],
  transform: {
    // tsconfig.spec.json inherits isolatedModules, so ts-jest transpiles file by file (fast);
    // type errors are caught by `npm run typecheck`, not by jest.
    '^.+\\.ts$': ['ts-jest', { tsconfig: path.join(packageDir, 'tsconfig.spec.json') }],
  },
  moduleNameMapper: {
    '^@seqrec/([^/]+)/node$': path.join(__dirname, 'packages/seqrec-$1/src/node.ts'),
    '^@seqrec/(.*)$': path.join(__dirname, 'packages/seqrec-$1/src/index.ts'),
  },
  globalSetup: path.join(__dirname, 'tools/test/generatedSources.js'),
  setupFilesAfterEnv: [path.join(__dirname, 'tools/test/jest.setup.js')],
});
