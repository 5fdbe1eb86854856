#!/usr/bin/env node
/**
 * What one epoch costs under each batching, measured fairly on a shared machine: every batching's
 * epoch (same data, seed and model sizes) is built up front, then the steps run alternately (step
 * 1 of each, step 2 of each, ...) on one thread, each batching on its own model and Adam, so a
 * passing load hits them alike. Prints the summed step seconds (one thread: the epoch's compute)
 * and the padded positions each layout computes.
 *
 *   node tools/results/batching-ab.js --dataset ../shared/data/ml-1m-partial/ratings.dat.gz --maxlen 200
 *   node tools/results/batching-ab.js --dataset ../shared/data/amazon-video-games/Video.txt --maxlen 50 --dropout_rate 0.5
 */
const { parseToolArgs } = require('../toolArgs');
const { BATCHINGS, TrainSampler, buildDataset, leaveOneOutSplit } = require('@seqrec/data');
const { loadInteractions } = require('@seqrec/data/node');
const { createModel, resolveModelConfig } = require('@seqrec/models');
const { initBackend } = require('@seqrec/runtime');
const { Adam, trainStep } = require('@seqrec/train');

const { values: o } = parseToolArgs(__filename, {
  options: {
    dataset: { type: 'string' },
    maxlen: { type: 'string', default: '200' },
    dropout_rate: { type: 'string', default: '0.2' },
    kind: { type: 'string', default: 'sasrec' },
    batchings: { type: 'string', default: BATCHINGS.join(',') },
    backend: { type: 'string', default: 'wasm' },
    seed: { type: 'string', default: '1' },
  },
});

async function main() {
  if (o.dataset === undefined) throw new Error('--dataset is required');
  await initBackend({ backend: o.backend, log: () => undefined });
  const split = leaveOneOutSplit(buildDataset(await loadInteractions(o.dataset)));
  const maxlen = Number(o.maxlen);
  const time = o.kind === 'tisasrec' ? { unit: 'hour', span: 100 } : null;
  const config = resolveModelConfig({
    kind: o.kind,
    numItems: split.dataset.numItems,
    maxlen,
    dropoutRate: Number(o.dropout_rate),
    mhc: null,
  });
  const runs = o.batchings.split(',').map((batching) => {
    const model = createModel(config, { seed: Number(o.seed) });
    const sampler = new TrainSampler(split, { maxlen, batchSize: 128, seed: Number(o.seed), batching, time });
    return { batching, model, adam: new Adam(model.weights), batches: [...sampler.epoch()], seconds: 0, positions: 0 };
  });
  const steps = Math.max(...runs.map((r) => r.batches.length));
  for (let i = 0; i < steps; i++) {
    for (const r of runs) {
      const batch = r.batches[i];
      if (batch === undefined) continue;
      const start = process.hrtime.bigint();
      await trainStep(r.model, r.adam, batch, 0.001);
      r.seconds += Number(process.hrtime.bigint() - start) / 1e9;
      r.positions += batch.size * batch.length;
    }
  }
  const first = runs[0];
  process.stdout.write(
    `| batching | s/epoch, 1 thread | vs ${first.batching} | steps | positions computed (padding included) |\n`,
  );
  process.stdout.write('|---|---|---|---|---|\n');
  for (const r of runs) {
    process.stdout.write(
      `| ${r.batching} | ${r.seconds.toFixed(1)} | ${(r.seconds / first.seconds).toFixed(2)}x | ${r.batches.length} | ${
        r.positions
      } |\n`,
    );
    r.adam.dispose();
    r.model.dispose();
  }
}

main().catch((err) => {
  process.stderr.write(`batching-ab: ${err.message}\n`);
  process.exit(2);
});
