#!/usr/bin/env node
/**
 * Bundles the browser example with esbuild into `dist/` (or the folder given): bundle.js (the
 * page code and seqrec's packages from their built `dist/`, so run `npm run build` first),
 * index.html, and tfjs's wasm binaries (the page passes their folder as `wasmPaths`).
 *
 *   node examples/browser/build.js [outDir]
 */
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

async function buildExample(outDir = path.join(__dirname, 'dist')) {
  fs.mkdirSync(outDir, { recursive: true });
  await esbuild.build({
    entryPoints: [path.join(__dirname, 'main.ts')],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2020',
    outfile: path.join(outDir, 'bundle.js'),
    logLevel: 'warning',
  });
  fs.copyFileSync(path.join(__dirname, 'index.html'), path.join(outDir, 'index.html'));
  const wasmDist = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  for (const file of fs.readdirSync(wasmDist).filter((f) => f.endsWith('.wasm')))
    fs.copyFileSync(path.join(wasmDist, file), path.join(outDir, file));
  return outDir;
}

module.exports = { buildExample };

if (require.main === module) {
  buildExample(process.argv[2]).then(
    (dir) => process.stdout.write(`built ${dir}\n`),
    (error) => {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 1;
    },
  );
}
