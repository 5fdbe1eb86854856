// Shared jest settings. Tests run against the TypeScript sources of every package
// (the moduleNameMapper points @seqrec/<name> at packages/seqrec-<name>/src/index.ts),
// so a test never needs a build of the package it imports.
const path = require('node:path');

module.exports = (packageDir) => ({
  displayName: path.basename(packageDir),
  rootDir: packageDir,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { isolatedModules: true, tsconfig: path.join(packageDir, 'tsconfig.spec.json') }],
  },
  moduleNameMapper: {
    '^@seqrec/(.*)$': path.join(__dirname, 'packages/seqrec-$1/src/index.ts'),
  },
  testTimeout: 120000,
});
