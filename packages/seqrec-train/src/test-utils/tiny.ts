/** Tiny synthetic data and options shared by the trainer tests. */
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildDataset, generateSyntheticInteractions, leaveOneOutSplit, type SplitDataset } from '@seqrec/data';

export function tinySplit(): SplitDataset {
  return leaveOneOutSplit(
    buildDataset(generateSyntheticInteractions({ users: 200, items: 60, seed: 3, meanLength: 12 })),
  );
}

export const TINY_MODEL = {
  kind: 'sasrec',
  mhc: null,
  maxlen: 20,
  hiddenUnits: 16,
  numBlocks: 1,
  numHeads: 2,
  dropoutRate: 0.2,
} as const;

/** Train options the trainer tests share: fast enough to learn a little in a few epochs. */
export const TINY_TRAIN = {
  model: TINY_MODEL,
  batchSize: 50,
  lr: 0.005,
  warmupSteps: 0,
  evalEvery: 2,
  evalUsers: 200,
  seed: 7,
} as const;

export async function tempDir(): Promise<string> {
  return fsp.mkdtemp(path.join(os.tmpdir(), 'seqrec-train-'));
}
