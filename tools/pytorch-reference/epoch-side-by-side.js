#!/usr/bin/env node
/**
 * Seconds per training epoch of seqrec (each batching) and of the PyTorch reference tool, side by
 * side in one run: the contenders take turns (round 1: A, B, C; round 2: A, B, C; ...), each
 * training `--epochs` epochs of the same data and model in a fresh process, so that a shared,
 * noisy machine loads them alike. Reports the median epoch seconds of each (the first epoch of
 * every process is left out: it includes start-up costs) and their ratios.
 *
 *   node tools/pytorch-reference/epoch-side-by-side.js --dataset ../shared/data/ml-1m-partial/ratings.dat.gz \
 *     --maxlen 200 --epochs 3 --rounds 2 [--dropout_rate 0.2] [--batchings packed,bucketed,packed:1] [--no_pytorch]
 *     [--hidden_units 50 --num_blocks 2]
 *
 * The model is SASRec (the PyTorch tool's only model), seqrec's default sizes unless given (the
 * PyTorch tool takes its sizes from a seqrec model of the same flags); seqrec uses its
 * default workers (one per core) unless a batching names a count (`packed:1` is `--batching packed
 * --workers 1`), and the PyTorch tool 2 threads. Needs python3 with torch.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseToolArgs } = require('../toolArgs');
const { MetricsLog } = require('@seqrec/train/node');

const { values: o } = parseToolArgs(__filename, {
  options: {
    dataset: { type: 'string' },
    maxlen: { type: 'string', default: '200' },
    dropout_rate: { type: 'string', default: '0.2' },
    hidden_units: { type: 'string', default: '50' },
    num_blocks: { type: 'string', default: '2' },
    epochs: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '2' },
    batchings: { type: 'string', default: 'packed,bucketed' },
    no_pytorch: { type: 'boolean', default: false },
    python: { type: 'string', default: 'python3' },
    json: { type: 'boolean', default: false },
  },
});
if (o.dataset === undefined) {
  process.stderr.write('epoch-side-by-side: --dataset is required\n');
  process.exit(2);
}
const seqrec = path.join(__dirname, '../../packages/seqrec-cli/dist/main.js');
const reference = path.join(__dirname, 'sasrec_reference.py');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'seqrec-side-by-side-'));
const modelFlags = [
  '--dataset',
  o.dataset,
  '--no_time',
  '--no_mhc',
  '--maxlen',
  o.maxlen,
  '--dropout_rate',
  o.dropout_rate,
  '--hidden_units',
  o.hidden_units,
  '--num_blocks',
  o.num_blocks,
];

function run(command, args) {
  const r = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${r.status}):\n${r.stderr.slice(-2000)}`);
}

async function epochSeconds(dir) {
  const seconds = (await MetricsLog.read(dir)).filter((r) => r.type === 'epoch').map((r) => r.seconds);
  return seconds.slice(1); // the first epoch carries start-up costs (module load, JIT, workers)
}

/** A seqrec run of `epochs` epochs with one evaluation of 100 sampled users at the end. */
async function seqrecEpochs(contender, round) {
  const [batching, workers] = contender.split(':');
  const dir = path.join(work, `seqrec-${batching}-${workers ?? 'default'}-${round}`);
  const flags = [
    '--num_epochs',
    o.epochs,
    '--eval_every',
    o.epochs,
    '--eval_protocol',
    'sampled',
    '--eval_users',
    '100',
  ];
  run(process.execPath, [
    seqrec,
    'train',
    '--train_dir',
    dir,
    ...modelFlags,
    ...flags,
    '--batching',
    batching,
    ...(workers === undefined ? [] : ['--workers', workers]),
    '--seed',
    '1',
  ]);
  return epochSeconds(dir);
}

let like = null;
async function pytorchEpochs(round) {
  if (like === null) {
    // The PyTorch tool takes item ids and weight layout from a seqrec model of the same config.
    const dir = path.join(work, 'like');
    run(process.execPath, [
      seqrec,
      'train',
      '--train_dir',
      dir,
      ...modelFlags,
      '--num_epochs',
      '1',
      '--eval_users',
      '10',
      '--eval_protocol',
      'sampled',
      '--seed',
      '1',
    ]);
    like = path.join(dir, 'best');
  }
  const out = path.join(work, `pytorch-${round}`);
  run(o.python, [
    reference,
    'train',
    '--dataset',
    o.dataset,
    '--like',
    like,
    '--out',
    out,
    '--num_epochs',
    o.epochs,
    '--save_every',
    o.epochs,
    '--seed',
    '1',
    '--threads',
    '2',
  ]);
  return epochSeconds(out);
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

async function main() {
  const contenders = o.batchings
    .split(',')
    .map((b) => ({ name: `seqrec ${b}`, run: (round) => seqrecEpochs(b, round) }));
  if (!o.no_pytorch) contenders.push({ name: 'PyTorch reference', run: pytorchEpochs });
  const seconds = new Map(contenders.map((c) => [c.name, []]));
  for (let round = 1; round <= Number(o.rounds); round++) {
    for (const c of contenders) {
      seconds.get(c.name).push(...(await c.run(round)));
      process.stderr.write(`round ${round}: ${c.name} done (load ${os.loadavg()[0].toFixed(1)})\n`);
    }
  }
  fs.rmSync(work, { recursive: true, force: true });
  const rows = contenders.map((c) => ({
    name: c.name,
    median: median(seconds.get(c.name)),
    samples: seconds.get(c.name),
  }));
  if (o.json) {
    process.stdout.write(JSON.stringify({ options: o, rows }) + '\n');
    return;
  }
  const first = rows[0];
  process.stdout.write(`| trainer | median s/epoch | vs ${first.name} | epochs timed |\n|---|---|---|---|\n`);
  for (const r of rows) {
    process.stdout.write(
      `| ${r.name} | ${r.median.toFixed(2)} | ${(r.median / first.median).toFixed(2)}x | ${r.samples.length} |\n`,
    );
  }
}

main().catch((err) => {
  fs.rmSync(work, { recursive: true, force: true });
  process.stderr.write(`epoch-side-by-side: ${err.message}\n`);
  process.exit(1);
});
