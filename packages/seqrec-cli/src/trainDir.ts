/**
 * Opening a finished (or running) train dir: its `args.json` (every effective flag), the best
 * checkpoint (model + vocabulary), and the dataset it was trained on, reloaded the same way.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { Vocabulary, type SplitDataset } from '@seqrec/data';
import { datasetFingerprint } from '@seqrec/data/node';
import { short } from '@seqrec/train';
import { findCheckpoint, loadCheckpoint, parseJsonFile, type LoadedCheckpoint } from '@seqrec/train/node';
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
  return parseJsonFile<TrainArgs>(file, text, checkArgs);
}

/** The fields eval and recommend read from args.json. */
function checkArgs(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const args = value as Record<string, unknown>;
  if (typeof args['dataset'] !== 'string') return "no 'dataset' (not written by seqrec train?)";
  if (typeof args['data_dir'] !== 'string') return "no 'data_dir' (not written by seqrec train?)";
  const s = args['seqrec_settings'] as Record<string, unknown> | undefined;
  if (typeof s !== 'object' || s === null) return "no 'seqrec_settings' (not written by seqrec train?)";
  for (const key of ['device', 'ks', 'evalBatchSize', 'evalUsers', 'seed'])
    if (!(key in s)) return `'seqrec_settings' has no '${key}'`;
  return null;
}

export interface OpenedRun {
  args: TrainArgs;
  checkpoint: LoadedCheckpoint;
  vocab: Vocabulary;
}

/** Loads args.json and the best checkpoint, printing a line for each damaged version skipped. */
export async function openRunReporting(trainDir: string, log: (line: string) => void): Promise<OpenedRun> {
  const run = await openRun(trainDir);
  for (const note of run.checkpoint.notes) log(`warning: ${note}`);
  return run;
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
    vocab: Vocabulary.fromJSON(checkpoint.vocab, path.join(checkpoint.dir, 'vocab.json')),
  };
}

/**
 * Reloads the run's dataset and checks it is the data the model was trained on: its fingerprint
 * (recorded in run.json), or for a run from before fingerprints, the whole vocabulary.
 */
export async function reloadSplit(run: OpenedRun): Promise<SplitDataset> {
  const { args } = run;
  const split = await loadSplit({
    dataset: args.dataset_path ?? args.dataset,
    dataDir: args.data_dir,
    format: args.format as Parameters<typeof loadSplit>[0]['format'],
  });
  const where = args.dataset_path ?? args.dataset;
  const recorded = run.checkpoint.run.dataFingerprint;
  if (recorded !== undefined) {
    const now = datasetFingerprint(split.dataset);
    if (now !== recorded) {
      throw new UsageError(
        `--dataset ${where} changed since training: its fingerprint ${short(now, 19)} differs from the one ` +
          `recorded in ${path.join(run.checkpoint.dir, 'run.json')} (${short(
            recorded,
            19,
          )}); the model would be scored on other data`,
      );
    }
  } else if (JSON.stringify(split.dataset.vocab.toJSON()) !== JSON.stringify(run.vocab.toJSON())) {
    throw new UsageError(
      `--dataset ${where} changed since training: its users or items differ from ${path.join(
        run.checkpoint.dir,
        'vocab.json',
      )}`,
    );
  }
  return split;
}
