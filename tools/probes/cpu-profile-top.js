#!/usr/bin/env node
/**
 * Where a process spent its CPU time, by function (self time), from a V8 `.cpuprofile`. The
 * kernel profile (`profile-step.js`, tf.profile) sees only tfjs kernels; this sees everything on
 * the thread: JavaScript loops outside kernels (it found the dropout masks drawn in TypeScript,
 * a third of a default step), wasm functions (tfjs's own by index, seqrec's AssemblyScript
 * modules too), garbage collection.
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof tools/probes/step-probe.js --kind sasrec --heads 2 --maxlen 200 --steps 3
 *   node tools/probes/cpu-profile-top.js /tmp/prof/*.cpuprofile [--top 30]
 *
 * Several files are summed (e.g. the main thread's and the workers'). Rows: self ms, then
 * function, file and line (wasm functions as `wasm-function[i] wasm/<module hash>`).
 */
const fs = require('node:fs');
const { parseToolArgs } = require('../toolArgs');

const { values: args, positionals: files } = parseToolArgs(__filename, {
  options: { top: { type: 'string', default: '30' } },
  allowPositionals: true,
});
const top = Number(args.top);
if (files.length === 0 || !(Number.isInteger(top) && top > 0)) {
  console.error('cpu-profile-top.js: give one or more .cpuprofile files and --top a positive integer (see --help)');
  process.exit(2);
}

const selfMicros = new Map();
let totalMicros = 0;
for (const file of files) {
  let profile;
  try {
    profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    console.error(`cpu-profile-top.js: ${file}: not a readable .cpuprofile (${error.message})`);
    process.exit(2);
  }
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  profile.samples.forEach((id, i) => {
    const micros = profile.timeDeltas[i];
    const { functionName, url, lineNumber } = nodes.get(id).callFrame;
    const where = url.split('/').slice(-2).join('/');
    const key = `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
    selfMicros.set(key, (selfMicros.get(key) ?? 0) + micros);
    totalMicros += micros;
  });
}
console.log(`${(totalMicros / 1000).toFixed(0)} ms sampled in ${files.length} profile(s); self time by function:`);
for (const [key, micros] of [...selfMicros].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  const share = ((100 * micros) / totalMicros).toFixed(1);
  console.log(`${(micros / 1000).toFixed(0).padStart(8)} ms ${share.padStart(5)}%  ${key}`);
}
