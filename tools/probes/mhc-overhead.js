#!/usr/bin/env node
/**
 * What mHC costs on top of its plain model, measured side by side in one process: training steps
 * (`trainStep` of @seqrec/train: forward + backward + Adam, one thread) of the plain model, of
 * the mHC model on the fused wasm kernels (@seqrec/runtime mhcOps) and of the mHC model on tfjs
 * ops (the fused kernels unregistered for those steps, as on a backend without them), taking
 * turns step by step, so load changes on a shared machine hit all three alike. Prints one JSON
 * line: every step's seconds, medians (or epoch sums), ratios to the plain model and the load
 * average before/after. Runs against the built packages (`npm run build` first).
 *
 *   node tools/probes/mhc-overhead.js --variant sasrec --maxlen 200 --heads 2 --rounds 3
 *       `--rounds` full-window synthetic batches (the bench's input), each stepped by all three
 *   node tools/probes/mhc-overhead.js --variant sasrec --dataset ../shared/data/ml-1m-partial/ratings.dat.gz
 *       one epoch of the trainer's batches of that file (packed, B 128, seed 1), each stepped by
 *       all three in rotating order; the sums are one-thread epoch seconds
 */
const { parseToolArgs } = require('../toolArgs');
const os = require('node:os');
const { initBackend, tf } = require('@seqrec/runtime');
const { createModel } = require('@seqrec/models');
const { Adam, trainStep } = require('@seqrec/train');
const { buildDataset, leaveOneOutSplit, TrainSampler, DEFAULT_BATCHING } = require('@seqrec/data');
const { loadInteractions } = require('@seqrec/data/node');

const { isTimeAware, modelConfigOf, stepShape, stepShapeOptions, syntheticStepBatch } = require('./stepShape');

const { values: args } = parseToolArgs(__filename, {
  options: {
    ...stepShapeOptions({ heads: '2' }),
    variant: { type: 'string', default: 'sasrec' },
    rounds: { type: 'string', default: '3' },
    'skip-ops': { type: 'boolean', default: false },
    dataset: { type: 'string' },
    seed: { type: 'string', default: '1' },
  },
});

const MIX_KERNEL = 'SeqrecMhcMix'; // mhcKernelsActive() of @seqrec/runtime looks for this one

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const report = await initBackend({ backend: 'wasm' });
  const mixKernel = tf.getKernel(MIX_KERNEL, 'wasm');
  if (mixKernel === undefined)
    throw new Error(`the fused mHC kernels are not active: ${report.kernelNotes.join('; ')}`);
  const setFused = (on) => {
    const registered = tf.getKernel(MIX_KERNEL, 'wasm') !== undefined;
    if (on && !registered) tf.registerKernel(mixKernel);
    if (!on && registered) tf.unregisterKernel(MIX_KERNEL, 'wasm');
  };
  const base = stepShape(args, args.variant);
  let batches;
  if (args.dataset === undefined) {
    const batch = syntheticStepBatch(base);
    batches = Array.from({ length: Number(args.rounds) + 1 }, () => batch);
  } else {
    const split = leaveOneOutSplit(buildDataset(await loadInteractions(args.dataset)));
    base.numItems = split.dataset.numItems;
    const sampler = new TrainSampler(split, {
      maxlen: base.maxlen,
      batchSize: base.batch,
      seed: Number(args.seed),
      batching: DEFAULT_BATCHING,
      time: isTimeAware(base.variant) ? { unit: 'hour', span: base.timeSpan } : null,
    });
    batches = [...sampler.epoch()];
    batches.unshift(batches[0]); // warm-up
  }
  const contender = (name, variant, fused) => {
    const model = createModel(modelConfigOf({ ...base, variant }), { seed: 1 });
    return { name, model, adam: new Adam(model.weights, { beta1: 0.9, beta2: 0.98 }), fused, seconds: [] };
  };
  const contenders = [
    contender('plain', base.variant, true),
    contender('mhc fused', `${base.variant}+mhc`, true),
    ...(args['skip-ops'] ? [] : [contender('mhc tfjs ops', `${base.variant}+mhc`, false)]),
  ];
  const loadBefore = os.loadavg();
  const step = async (c, batch) => {
    setFused(c.fused);
    const start = process.hrtime.bigint();
    await trainStep(c.model, c.adam, batch, 0.001);
    return Number(process.hrtime.bigint() - start) / 1e9;
  };
  for (const c of contenders) await step(c, batches[0]); // warm-up
  const tensorsAfterWarmup = tf.memory().numTensors;
  for (let i = 1; i < batches.length; i++) {
    const order = contenders.map((_, k) => contenders[(i + k) % contenders.length]);
    for (const c of order) c.seconds.push(await step(c, batches[i]));
  }
  setFused(true);
  const summary = args.dataset === undefined ? median : (xs) => xs.reduce((a, b) => a + b, 0);
  const plain = summary(contenders[0].seconds);
  const out = {
    backend: report.backend,
    config: base,
    input:
      args.dataset === undefined
        ? `${Number(args.rounds)} synthetic full-window steps`
        : `one epoch of ${args.dataset}`,
    stepsEach: batches.length - 1,
    loadAverageBefore: loadBefore,
    loadAverageAfter: os.loadavg(),
    tensorsLeaked: tf.memory().numTensors - tensorsAfterWarmup,
    steps: Object.fromEntries(
      contenders.map((c) => [
        c.name,
        {
          seconds: c.seconds.map((s) => +s.toFixed(3)),
          [args.dataset === undefined ? 'median' : 'epochSeconds']: +summary(c.seconds).toFixed(3),
          vsPlain: +(summary(c.seconds) / plain).toFixed(2),
          // step by step against the plain model's step on the same batch, taken in turn
          medianStepRatio: +median(c.seconds.map((s, i) => s / contenders[0].seconds[i])).toFixed(2),
        },
      ]),
    ),
  };
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((error) => {
  process.stderr.write(`mhc-overhead: ${error.stack || error.message}\n`);
  process.exit(1);
});
