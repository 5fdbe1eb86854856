/**
 * Times real training epochs: a ratings file through the data pipeline (ids, leave-one-out
 * split) and the trainer of @seqrec/train with its defaults (packed batching, prefetching, B 128,
 * Adam 0.9/0.98, warm-up), evaluation reduced to a small sampled one after the last epoch. The
 * epoch seconds are the trainer's own (`epoch` events: training only, evaluation excluded).
 */
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildDataset, leaveOneOutSplit } from '@seqrec/data';
import { loadInteractions } from '@seqrec/data/node';
import { tf } from '@seqrec/runtime';
import { train } from '@seqrec/train/node';
import { modelConfigOf } from './configs';
import type { EpochResult, Variant } from './types';

export interface MeasureEpochOptions {
  /** Ratings file (any format @seqrec/data loads). */
  dataset: string;
  variant: Variant;
  maxlen: number;
  heads: number;
  hidden: number;
  blocks: number;
  timeSpan: number;
  batch: number;
  epochs: number;
  seed: number;
  /** Recorded in the result: true when this process measures nothing else. */
  isolated: boolean;
}

/** Trains `epochs` epochs in a temporary train dir (removed afterwards) and reports their seconds. */
export async function measureEpoch(o: MeasureEpochOptions): Promise<EpochResult> {
  const split = leaveOneOutSplit(buildDataset(await loadInteractions(o.dataset)));
  const config = modelConfigOf({ ...o, numItems: split.dataset.numItems });
  const trainDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'seqrec-bench-'));
  const epochSeconds: number[] = [];
  let stepsPerEpoch = 0;
  try {
    await train(split, null, {
      trainDir,
      model: {
        kind: config.kind,
        maxlen: o.maxlen,
        hiddenUnits: o.hidden,
        numBlocks: o.blocks,
        numHeads: o.heads,
        timeSpan: o.timeSpan,
        mhc: config.mhc,
      },
      seed: o.seed,
      batchSize: o.batch,
      numEpochs: o.epochs,
      evalEvery: o.epochs,
      evalProtocols: ['sampled'],
      evalUsers: 128,
      checkpointEvery: o.epochs,
      reporter: (event) => {
        if (event.type === 'start') stepsPerEpoch = event.stepsPerEpoch;
        if (event.type === 'epoch') epochSeconds.push(event.seconds);
      },
    });
  } finally {
    await fsp.rm(trainDir, { recursive: true, force: true });
  }
  return {
    variant: o.variant,
    maxlen: o.maxlen,
    heads: o.heads,
    epochSeconds,
    stepsPerEpoch,
    users: split.dataset.numUsers,
    items: split.dataset.numItems,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    isolated: o.isolated,
    backend: tf.getBackend(),
    loadAverage: os.loadavg(),
  };
}
