#!/usr/bin/env node
// Type-checks every package's (and example's) sources together with its tests (jest only transpiles them).
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '../..');
const tsc = require.resolve('typescript/bin/tsc');
let failed = 0;
const dirs = ['packages', 'examples'].flatMap((top) =>
  fs.existsSync(path.join(root, top))
    ? fs
        .readdirSync(path.join(root, top))
        .sort()
        .map((name) => path.join(root, top, name))
    : [],
);
for (const dir of dirs) {
  const config = ['tsconfig.spec.json', 'tsconfig.json'].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
  if (!config) continue;
  try {
    execFileSync(process.execPath, [tsc, '-p', config], { stdio: 'inherit' });
  } catch {
    failed++;
  }
}
process.exit(failed === 0 ? 0 : 1);
