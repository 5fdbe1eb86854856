#!/usr/bin/env node
/**
 * Markdown tables for docs/RESULTS.md from train dirs' metrics.jsonl: per run, the best epoch
 * (by valid sampled NDCG@10, as the trainer selects), its valid and test NDCG@10 / HR@10 under
 * both protocols, wall time, median seconds per epoch and, when a `/usr/bin/time -v` log sits
 * beside the dir as `<dir>.log`, peak RSS (the largest of its reports: a resumed run appends
 * one per process). With --curves, one row per evaluation as well.
 *
 *   node tools/results/results-table.js [--curves] SASRec=runs/ml100k-sasrec TiSASRec=runs/ml100k-tisasrec
 */
const fs = require('node:fs');
const path = require('node:path');
const { parseToolArgs } = require('../toolArgs');
const { MetricsLog, METRICS_FILE } = require('@seqrec/train/node');

const { values: opts, positionals } = parseToolArgs(__filename, {
  allowPositionals: true,
  options: { curves: { type: 'boolean', default: false }, metric: { type: 'string', default: 'NDCG@10' } },
});

async function readRun(label, dir) {
  const file = path.join(dir, METRICS_FILE);
  if (!fs.existsSync(file)) throw new Error(`${file}: no such file`);
  const records = await MetricsLog.read(dir);
  const epochs = records.filter((r) => r.type === 'epoch');
  const evals = records.filter((r) => r.type === 'eval');
  const byEpoch = new Map();
  for (const r of evals) {
    if (!byEpoch.has(r.epoch)) byEpoch.set(r.epoch, {});
    byEpoch.get(r.epoch)[`${r.split}/${r.protocol}`] = r.metrics;
  }
  const seconds = epochs.map((e) => e.seconds).sort((a, b) => a - b);
  let peak = null;
  const log = `${dir}.log`;
  if (fs.existsSync(log)) {
    // A resumed run appends one report per process to its log: the peak is the largest.
    const kbytes = [...fs.readFileSync(log, 'utf8').matchAll(/Maximum resident set size \(kbytes\): (\d+)/g)];
    if (kbytes.length > 0) peak = Math.max(...kbytes.map((m) => Number(m[1]))) * 1024;
  }
  return {
    label,
    byEpoch,
    epochs: epochs.length,
    medianEpochSeconds: seconds.length ? seconds[Math.floor(seconds.length / 2)] : NaN,
    totalSeconds: epochs.reduce((s, e) => s + e.seconds, 0),
    peak,
  };
}

const fmt = (x) => (x === undefined ? '—' : x.toFixed(4));
async function main() {
  const runs = await Promise.all(
    positionals.map((arg) => {
      const [label, dir] = arg.includes('=') ? arg.split(/=(.*)/s) : [path.basename(arg), arg];
      return readRun(label, dir);
    }),
  );

  const metric = opts.metric;
  const hr = metric.replace('NDCG', 'HR');
  const lines = [
    `| run | best epoch | valid sampled ${metric} / ${hr} | test sampled ${metric} / ${hr} | valid full ${metric} / ${hr} | test full ${metric} / ${hr} | epochs | train s (median s/epoch) | peak RSS |`,
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const run of runs) {
    let best = null;
    for (const [epoch, m] of run.byEpoch) {
      const value = m['valid/sampled']?.[metric] ?? m['valid/full']?.[metric];
      if (best === null || value > best.value) best = { epoch, value, m };
    }
    const cell = (key) => (best && best.m[key] ? `${fmt(best.m[key][metric])} / ${fmt(best.m[key][hr])}` : '—');
    lines.push(
      `| ${run.label} | ${best ? best.epoch : '—'} | ${cell('valid/sampled')} | ${cell('test/sampled')} | ${cell(
        'valid/full',
      )} | ${cell('test/full')} | ${run.epochs} | ${run.totalSeconds.toFixed(0)} (${run.medianEpochSeconds.toFixed(
        2,
      )}) | ${run.peak ? (run.peak / 1e9).toFixed(2) + ' GB' : '—'} |`,
    );
  }
  if (opts.curves) {
    lines.push(
      '',
      `| run | epoch | valid sampled ${metric} / ${hr} | test sampled | valid full | test full |`,
      '|---|---|---|---|---|---|',
    );
    for (const run of runs) {
      for (const [epoch, m] of [...run.byEpoch].sort((a, b) => a[0] - b[0])) {
        const cell = (key) => (m[key] ? `${fmt(m[key][metric])} / ${fmt(m[key][hr])}` : '—');
        lines.push(
          `| ${run.label} | ${epoch} | ${cell('valid/sampled')} | ${cell('test/sampled')} | ${cell(
            'valid/full',
          )} | ${cell('test/full')} |`,
        );
      }
    }
  }
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((error) => {
  process.stderr.write(`results-table: ${error.message}\n`);
  process.exit(1);
});
