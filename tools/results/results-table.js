#!/usr/bin/env node
/**
 * Markdown tables for docs/RESULTS.md from train dirs' metrics.jsonl: per run, the best epoch
 * (by valid sampled NDCG@10, as the trainer selects), its valid and test NDCG@10 / HR@10 under
 * both protocols, wall time, median seconds per epoch and, when a `/usr/bin/time -v` log sits
 * beside the dir as `<dir>.log`, peak RSS (the largest of its reports: a resumed run appends
 * one per process). With --curves, one row per evaluation as well.
 *
 *   node tools/results/results-table.js [--curves] SASRec=runs/ml100k-sasrec TiSASRec=runs/ml100k-tisasrec
 *
 * A label with several dirs, comma-separated (the same run with other seeds), makes one row of
 * their mean ± sample standard deviation, each run at its own best epoch:
 *
 *   node tools/results/results-table.js "SASRec, 3 seeds=runs/s1,runs/s2,runs/s3"
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

const fmt = (x, digits = 4) => (x === undefined ? '—' : x.toFixed(digits));

/** The run's best evaluation: the largest valid NDCG (sampled, else full), as the trainer picks. */
function bestOf(run, metric) {
  let best = null;
  for (const [epoch, m] of run.byEpoch) {
    const value = m['valid/sampled']?.[metric] ?? m['valid/full']?.[metric];
    if (best === null || value > best.value) best = { epoch, value, m };
  }
  return best;
}

/** "mean ± sample sd" of `values`; one value as itself; '—' when one is missing. */
function meanSd(values, digits = 4) {
  if (values.some((x) => x === undefined)) return '—';
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (values.length < 2) return fmt(mean, digits);
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1));
  return `${fmt(mean, digits)} ± ${fmt(sd, digits)}`;
}

/** The row of one run, or of several runs of one setting (seeds): then the mean ± sd of every cell. */
function tableRow(label, runs, metric, hr) {
  const bests = runs.map((run) => bestOf(run, metric));
  const cell = (key) => {
    if (bests.some((b) => b === null || !b.m[key])) return '—';
    return `${meanSd(bests.map((b) => b.m[key][metric]))} / ${meanSd(bests.map((b) => b.m[key][hr]))}`;
  };
  const epochs = bests.map((b) => (b === null ? '—' : b.epoch)).join(', ');
  const seconds =
    runs.length === 1
      ? `${fmt(runs[0].totalSeconds, 0)} (${fmt(runs[0].medianEpochSeconds, 2)})`
      : meanSd(
          runs.map((r) => r.totalSeconds),
          0,
        );
  const peaks = runs.map((r) => r.peak).filter((p) => p);
  const peak = peaks.length ? `${(Math.max(...peaks) / 1e9).toFixed(2)} GB` : '—';
  const name = runs.length === 1 ? label : `${label} (${runs.length} runs)`;
  return `| ${name} | ${epochs} | ${cell('valid/sampled')} | ${cell('test/sampled')} | ${cell('valid/full')} | ${cell(
    'test/full',
  )} | ${runs.map((r) => r.epochs).join(', ')} | ${seconds} | ${peak} |`;
}

async function main() {
  const groups = await Promise.all(
    positionals.map(async (arg) => {
      const [label, dirs] = arg.includes('=') ? arg.split(/=(.*)/s) : [path.basename(arg), arg];
      return { label, runs: await Promise.all(dirs.split(',').map((dir) => readRun(label, dir))) };
    }),
  );
  const runs = groups.filter((g) => g.runs.length === 1).map((g) => g.runs[0]);

  const metric = opts.metric;
  const hr = metric.replace('NDCG', 'HR');
  const lines = [
    `| run | best epoch | valid sampled ${metric} / ${hr} | test sampled ${metric} / ${hr} | valid full ${metric} / ${hr} | test full ${metric} / ${hr} | epochs | train s (median s/epoch) | peak RSS |`,
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const group of groups) lines.push(tableRow(group.label, group.runs, metric, hr));
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
