/**
 * Opening a finished (or running) train dir: its `args.json` (every effective flag), the best
 * checkpoint (model + vocabulary), and the dataset it was trained on, reloaded the same way.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { Vocabulary, type SplitDataset } from '@seqrec/data';
import { findCheckpoint, loadCheckpoint, type LoadedCheckpoint } from '@seqrec/train/node';
import { loadSplit } from './dataset';
import { UsageError } from './errors';

export const ARGS_FILE = 'args.json';

/** The effective flags of a train run, as written to args.json (snake_case keys). */
export type TrainArgs = Record<string, unknown> & {
  dataset: string;
  dataset_path: string | null;
  data_dir: string;
  format?: string;
};

export async function readArgs(trainDir: string): Promise<TrainArgs> {
  const file = path.join(trainDir, ARGS_FILE);
  const text = await fsp.readFile(file, 'utf8').catch(() => null);
  if (text === null) throw new UsageError(`--train_dir ${trainDir}: no ${ARGS_FILE} (not a seqrec train dir?)`);
  return JSON.parse(text) as TrainArgs;
}

export interface OpenedRun {
  args: TrainArgs;
  checkpoint: LoadedCheckpoint;
  vocab: Vocabulary;
}

/** Loads args.json and the best checkpoint (or `which`) of a train dir. */
export async function openRun(trainDir: string, which: 'best' | 'last' = 'best'): Promise<OpenedRun> {
  const args = await readArgs(trainDir);
  const dir = path.join(trainDir, which);
  if ((await findCheckpoint(dir)) === null) throw new UsageError(`--train_dir ${trainDir}: no ${which} checkpoint yet`);
  const checkpoint = await loadCheckpoint(dir);
  return {
    args,
    checkpoint,
    vocab: Vocabulary.fromJSON(checkpoint.vocab as Parameters<typeof Vocabulary.fromJSON>[0]),
  };
}

/** Reloads the run's dataset and checks it matches the saved vocabulary. */
export async function reloadSplit(run: OpenedRun): Promise<SplitDataset> {
  const { args } = run;
  const split = await loadSplit({
    dataset: args.dataset_path ?? args.dataset,
    dataDir: args.data_dir,
    format: args.format as Parameters<typeof loadSplit>[0]['format'],
  });
  if (split.dataset.numItems !== run.vocab.numItems || split.dataset.numUsers !== run.vocab.numUsers) {
    throw new UsageError(
      `--dataset ${
        args.dataset_path ?? args.dataset
      } changed since training (items/users differ from the saved vocabulary)`,
    );
  }
  return split;
}
