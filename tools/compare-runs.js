#!/usr/bin/env node
/**
 * Is model B better than model A on the same users? Reads two per-user rank files written by
 * `seqrec eval --ranks_out` (same data and eval seed, so the same users and, under `sampled`,
 * the same negatives) and prints, per split and protocol, both means and the paired bootstrap
 * 95% interval of B - A for NDCG@10 and HR@10 (users resampled with replacement, seeded).
 * An interval that contains 0 means the data cannot tell the two apart.
 *
 *   node tools/compare-runs.js runs/ml1m-sasrec/ranks.csv runs/ml1m-sasrec_mhc/ranks.csv \
 *     [--resamples 2000] [--k 10] [--split test]
 */
const fs = require('node:fs');
const { parseArgs } = require('node:util');

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    resamples: { type: 'string', default: '2000' },
    k: { type: 'string', default: '10' },
    seed: { type: 'string', default: '1' },
    split: { type: 'string' },
  },
});
if (positionals.length !== 2) {
  process.stderr.write('usage: node tools/compare-runs.js <A ranks.csv> <B ranks.csv> [--resamples 2000] [--k 10]\n');
  process.exit(2);
}
const K = Number(opts.k);
const RESAMPLES = Number(opts.resamples);

/** file -> Map('split,protocol' -> Map(user -> rank)) */
function readRanks(file) {
  if (!fs.existsSync(file)) {
    process.stderr.write(`compare-runs: ${file}: no such file\n`);
    process.exit(2);
  }
  const groups = new Map();
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  if (lines[0] !== 'split,protocol,user,rank') {
    process.stderr.write(`compare-runs: ${file}:1: expected the header split,protocol,user,rank\n`);
    process.exit(2);
  }
  lines.slice(1).forEach((line, i) => {
    if (line.trim() === '') return;
    const [split, protocol, user, rank] = line.split(',');
    if (rank === undefined || !Number.isInteger(Number(rank))) {
      process.stderr.write(`compare-runs: ${file}:${i + 2}: expected split,protocol,user,rank\n`);
      process.exit(2);
    }
    const key = `${split},${protocol}`;
    if (!groups.has(key)) groups.set(key, new Map());
    groups.get(key).set(user, Number(rank));
  });
  return groups;
}

const ndcg = (rank) => (rank < K ? 1 / Math.log2(rank + 2) : 0);
const hit = (rank) => (rank < K ? 1 : 0);

// splitmix32: a small seeded generator, so the intervals are reproducible.
let state = Number(opts.seed) >>> 0;
function random() {
  state = (state + 0x9e3779b9) >>> 0;
  let z = state;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
}

function interval(diffs) {
  const n = diffs.length;
  const means = new Float64Array(RESAMPLES);
  for (let r = 0; r < RESAMPLES; r++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += diffs[Math.floor(random() * n)];
    means[r] = sum / n;
  }
  means.sort();
  return [means[Math.floor(0.025 * RESAMPLES)], means[Math.ceil(0.975 * RESAMPLES) - 1]];
}

const [a, b] = positionals.map(readRanks);
const f = (x) => x.toFixed(4);
const signed = (x) => (x >= 0 ? '+' : '') + x.toFixed(4);
console.log(`A = ${positionals[0]}\nB = ${positionals[1]}\n`);
console.log(`| split / protocol | users | metric | A | B | B - A | 95% interval of B - A |`);
console.log('|---|---|---|---|---|---|---|');
for (const [key, ranksA] of a) {
  const ranksB = b.get(key);
  if (ranksB === undefined || (opts.split !== undefined && !key.startsWith(`${opts.split},`))) continue;
  const users = [...ranksA.keys()].filter((u) => ranksB.has(u));
  if (users.length !== ranksA.size || users.length !== ranksB.size) {
    process.stderr.write(
      `compare-runs: ${key}: the files rank different users; comparing the ${users.length} in both\n`,
    );
  }
  for (const [name, metric] of [
    [`NDCG@${K}`, ndcg],
    [`HR@${K}`, hit],
  ]) {
    const valuesA = users.map((u) => metric(ranksA.get(u)));
    const valuesB = users.map((u) => metric(ranksB.get(u)));
    const meanA = valuesA.reduce((s, v) => s + v, 0) / users.length;
    const meanB = valuesB.reduce((s, v) => s + v, 0) / users.length;
    const [low, high] = interval(valuesB.map((v, i) => v - valuesA[i]));
    console.log(
      `| ${key.replace(',', ' / ')} | ${users.length} | ${name} | ${f(meanA)} | ${f(meanB)} | ${signed(
        meanB - meanA,
      )} | ${signed(low)} .. ${signed(high)} |`,
    );
  }
}
