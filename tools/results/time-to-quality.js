#!/usr/bin/env node
/**
 * Wall seconds of training a run needed to first reach a valid NDCG@10 (or any metric), from
 * its metrics.jsonl: for seqrec runs and for the PyTorch reference tool's runs (evaluated by
 * seqrec, tools/pytorch-reference), so both are measured on the same data and evaluation.
 *
 *   node tools/results/time-to-quality.js --target 0.5909 seqrec=runs/ml1m-sasrec pytorch=runs/ml1m-sasrec-pytorch
 *   node tools/results/time-to-quality.js --target best:runs/ml1m-sasrec-pytorch ...   # that run's best value
 *
 * Seconds are the epoch records' (training only, evaluation excluded), as measured while the run
 * ran: compare runs made on an equally loaded machine, or scale by a side-by-side epoch bench.
 */
const { parseToolArgs } = require('../toolArgs');
const { parseEvalMetric, timeToQuality } = require('@seqrec/train');
const { MetricsLog } = require('@seqrec/train/node');

const { values: opts, positionals } = parseToolArgs(__filename, {
  allowPositionals: true,
  options: {
    target: { type: 'string' },
    metric: { type: 'string', default: 'valid/sampled/NDCG@10' },
    json: { type: 'boolean', default: false },
  },
});

function fail(message) {
  process.stderr.write(`time-to-quality: ${message}\n`);
  process.exit(2);
}

async function main() {
  if (opts.target === undefined) fail('--target <value | best:DIR> is required');
  if (positionals.length === 0) fail('name at least one run: [label=]DIR ...');
  const metric = parseEvalMetric(opts.metric);
  let target = Number(opts.target);
  if (opts.target.startsWith('best:')) {
    const dir = opts.target.slice('best:'.length);
    const best = timeToQuality(await MetricsLog.read(dir), metric, Infinity).best;
    if (best === null) fail(`${dir}: no ${opts.metric} evaluation in its metrics.jsonl`);
    target = best.value;
  }
  if (!Number.isFinite(target)) fail(`--target must be a number or best:DIR, got '${opts.target}'`);
  const rows = [];
  for (const arg of positionals) {
    const [label, dir] = arg.includes('=') ? arg.split(/=(.*)/s) : [arg, arg];
    const records = await MetricsLog.read(dir);
    if (records.length === 0) fail(`${dir}: no metrics.jsonl records`);
    rows.push({ label, dir, ...timeToQuality(records, metric, target) });
  }
  if (opts.json) {
    process.stdout.write(JSON.stringify({ metric: opts.metric, target, runs: rows }) + '\n');
    return;
  }
  const f = (x, digits) => (x === null ? '—' : x.toFixed(digits));
  process.stdout.write(`target ${opts.metric} >= ${target.toFixed(4)}\n\n`);
  process.stdout.write(
    '| run | reached at epoch | training s to reach | median s/epoch | best (epoch) |\n|---|---|---|---|---|\n',
  );
  for (const r of rows) {
    const best = r.best === null ? '—' : `${r.best.value.toFixed(4)} (${r.best.epoch})`;
    process.stdout.write(
      `| ${r.label} | ${r.epoch ?? 'not reached'} | ${f(r.seconds, 0)} | ${f(r.medianEpochSeconds, 2)} | ${best} |\n`,
    );
  }
}

main().catch((err) => fail(err.message));
