// jest globalSetup: the sources @seqrec/runtime generates (its WebAssembly kernels as TypeScript
// modules, and tfjs-core's bundled gradient registrations) are outputs of
// `npm run build:kernels -w @seqrec/runtime` and not committed. Tests run on the packages'
// sources, so on a fresh clone they are generated here, before the first test: no build needed.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const RUNTIME = path.join(__dirname, '..', '..', 'packages', 'seqrec-runtime');
const GENERATED = [
  'src/kernels/generated/batchMatMulWasm.ts',
  'src/kernels/generated/mhcWasm.ts',
  'build/tfjs-core/registrations.js',
];

module.exports = async function generateRuntimeSources() {
  if (GENERATED.every((file) => fs.existsSync(path.join(RUNTIME, file)))) return;
  execFileSync(process.execPath, [path.join(RUNTIME, 'scripts', 'buildKernels.js')], {
    cwd: RUNTIME,
    stdio: 'inherit',
  });
  execFileSync(process.execPath, [path.join(RUNTIME, 'scripts', 'bundleTfjsCoreRegistrations.js')], {
    cwd: RUNTIME,
    stdio: 'inherit',
  });
};
