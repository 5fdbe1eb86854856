#!/usr/bin/env node
/**
 * Is model B better than model A on the same users? Prints, per split and protocol, both means
 * and the paired bootstrap 95% interval of B - A for NDCG@K and HR@K, from two per-user rank files
 * written by `seqrec eval --ranks_out`. The statistics are `compareRanks` of @seqrec/train (built:
 * `npm run build`); this script only reads the files and prints the table.
 *
 *   node tools/results/compare-runs.js runs/ml1m-sasrec/ranks.csv runs/ml1m-sasrec_mhc/ranks.csv \
 *     [--resamples 2000] [--k 10] [--split test]
 */
const fs = require('node:fs');
const { parseToolArgs } = require('../toolArgs');
const { compareRanks, parseRanksCsv } = require('@seqrec/train');

const { values: opts, positionals } = parseToolArgs(__filename, {
  allowPositionals: true,
  options: {
    resamples: { type: 'string', default: '2000' },
    k: { type: 'string', default: '10' },
    seed: { type: 'string', default: '1' },
    split: { type: 'string' },
  },
});
if (positionals.length !== 2) {
  process.stderr.write(
    'usage: node tools/results/compare-runs.js <A ranks.csv> <B ranks.csv> [--resamples 2000] [--k 10]\n',
  );
  process.exit(2);
}

let a, b;
try {
  [a, b] = positionals.map((file) => {
    if (!fs.existsSync(file)) throw new Error(`${file}: no such file`);
    return parseRanksCsv(fs.readFileSync(file, 'utf8'), file);
  });
} catch (error) {
  process.stderr.write(`compare-runs: ${error.message}\n`);
  process.exit(2);
}
const rows = compareRanks(a, b, {
  k: Number(opts.k),
  resamples: Number(opts.resamples),
  seed: Number(opts.seed),
  split: opts.split,
});
const f = (x) => x.toFixed(4);
const signed = (x) => (x >= 0 ? '+' : '') + x.toFixed(4);
console.log(`A = ${positionals[0]}\nB = ${positionals[1]}\n`);
console.log(`| split / protocol | users | metric | A | B | B - A | 95% interval of B - A |`);
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) {
  if (r.unpaired > 0 && r.metric.startsWith('NDCG'))
    process.stderr.write(
      `compare-runs: ${r.group}: the files rank different users; comparing the ${r.users} in both\n`,
    );
  console.log(
    `| ${r.group.replace(',', ' / ')} | ${r.users} | ${r.metric} | ${f(r.meanA)} | ${f(r.meanB)} | ${signed(
      r.meanB - r.meanA,
    )} | ${signed(r.low)} .. ${signed(r.high)} |`,
  );
}
