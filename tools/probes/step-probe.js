#!/usr/bin/env node
/**
 * Times training steps of one model variant on synthetic input and reports peak memory, as
 * one JSON line on stdout. Used by the memory test of @seqrec/models and by the benchmark.
 * Runs against the built packages (`npm run build` first).
 *
 *   node tools/probes/step-probe.js --kind tisasrec --mhc 0 --batch 128 --maxlen 200 --time-span 256 \
 *     --hidden 50 --blocks 2 --heads 1 --backend wasm --steps 3 --warmup 1
 *
 * `--loss bce|ce|sampled_softmax|gbce` (default bce) picks the objective (@seqrec/models
 * `trainingLoss`); the sampled ones draw `--negatives` (default 256) uniform negatives per step
 * (sampled_softmax) or per target position (gbce).
 */
const { parseToolArgs } = require('../toolArgs');
const { initBackend, tf } = require('@seqrec/runtime');
const { createModel, resolveLossConfig, trainingLoss } = require('@seqrec/models');
const { lcg, stepShape, stepShapeOptions, syntheticStepBatch } = require('./stepShape');

const { values: args } = parseToolArgs(__filename, {
  options: {
    ...stepShapeOptions(),
    kind: { type: 'string', default: 'sasrec' },
    mhc: { type: 'string', default: '0' },
    backend: { type: 'string', default: 'wasm' },
    steps: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '1' },
    seed: { type: 'string', default: '1' },
    loss: { type: 'string', default: 'bce' },
    negatives: { type: 'string', default: '256' },
  },
});

async function main() {
  const B = Number(args.batch);
  const T = Number(args.maxlen);
  const V = Number(args.items);
  const S = Number(args['time-span']);
  const report = await initBackend({ backend: args.backend });
  const mhc = Number(args.mhc) > 0 ? { expansionRate: Number(args.mhc), sinkhornIters: 20, initGate: 0.01 } : null;
  const model = createModel(
    {
      kind: args.kind,
      numItems: V,
      maxlen: T,
      hiddenUnits: Number(args.hidden),
      numBlocks: Number(args.blocks),
      numHeads: Number(args.heads),
      timeSpan: S,
      mhc,
      dropoutRate: 0.2,
    },
    { seed: Number(args.seed) },
  );
  const random = lcg(Number(args.seed));
  const raw = syntheticStepBatch(stepShape(args, args.kind), random, args.kind === 'tisasrec');
  const batch = {
    seq: tf.tensor2d(raw.seq, [B, T], 'int32'),
    pos: tf.tensor2d(raw.pos, [B, T], 'int32'),
    neg: tf.tensor2d(raw.neg, [B, T], 'int32'),
    rel: args.kind === 'tisasrec' ? tf.tensor3d(raw.rel, [B, T, T], 'int32') : null,
  };
  const sampled = args.loss === 'sampled_softmax' || args.loss === 'gbce';
  const lossConfig = resolveLossConfig(
    sampled ? { loss: args.loss, numNegatives: Number(args.negatives) } : { loss: args.loss },
    V,
  );
  const optimizer = tf.train.adam(0.001, 0.9, 0.98);
  const variables = [...model.weights.values()];
  const seconds = [];
  const total = Number(args.warmup) + Number(args.steps);
  for (let step = 0; step < total; step++) {
    const start = process.hrtime.bigint();
    const N = lossConfig.numNegatives;
    const draw = () => 1 + Math.floor(random() * V);
    const negatives = !sampled
      ? null
      : args.loss === 'gbce' // N per target position, 0 at padding
      ? tf.tensor3d(
          Int32Array.from({ length: B * T * N }, (_, i) => (raw.pos[Math.floor(i / N)] === 0 ? 0 : draw())),
          [B, T, N],
          'int32',
        )
      : tf.tensor1d(Int32Array.from({ length: N }, draw), 'int32');
    const loss = optimizer.minimize(
      () => trainingLoss(model, { ...batch, negatives }, lossConfig, { training: true }),
      true,
      variables,
    );
    negatives?.dispose();
    loss.dataSync();
    loss.dispose();
    if (step >= Number(args.warmup)) seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  seconds.sort((a, b) => a - b);
  const out = {
    backend: report.backend,
    kind: args.kind,
    loss: args.loss,
    mhc: mhc ? mhc.expansionRate : 0,
    batch: B,
    maxlen: T,
    timeSpan: S,
    hidden: Number(args.hidden),
    heads: Number(args.heads),
    steps: seconds.length,
    medianStepSeconds: seconds.length ? seconds[Math.floor(seconds.length / 2)] : null,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((error) => {
  process.stderr.write(`step-probe: ${error.message}\n`);
  process.exit(1);
});
