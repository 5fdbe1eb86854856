#!/usr/bin/env node
// Type-checks every package's sources together with its tests (jest only transpiles them).
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const tsc = require.resolve('typescript/bin/tsc');
let failed = 0;
for (const name of fs.readdirSync(path.join(root, 'packages')).sort()) {
  const dir = path.join(root, 'packages', name);
  const config = ['tsconfig.spec.json', 'tsconfig.json'].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
  if (!config) continue;
  try {
    execFileSync(process.execPath, [tsc, '-p', config], { stdio: 'inherit' });
  } catch {
    failed++;
  }
}
process.exit(failed === 0 ? 0 : 1);
