/**
 * Resolves `--dataset` (a name looked up in `--data_dir`, a path, or `synthetic`) and loads it
 * into a leave-one-out split (spec DATA_AND_EVAL.md §Input formats, §Sequences and split).
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import {
  DataFormatError,
  MissingColumnError,
  buildDataset,
  excerpt,
  generateSyntheticInteractions,
  leaveOneOutSplit,
  type InteractionFormat,
  type InteractionLog,
  type SplitDataset,
} from '@seqrec/data';
import { loadInteractions } from '@seqrec/data/node';
import { COLUMN_FLAGS, type ColumnOptions } from './columnFlags';
import { UsageError } from './errors';

/** The embedded dataset used when `--dataset synthetic` (the default). */
export const SYNTHETIC = { name: 'synthetic', users: 600, items: 300, seed: 1 } as const;

export interface DataFlags {
  dataset: string;
  dataDir: string;
  format?: InteractionFormat;
  /** csv/tsv header names (`--user_column`, `--item_column`, `--time_column`). */
  columns?: ColumnOptions;
}

/** True if `p` exists; false if it does not; a UsageError if it cannot be looked at (EACCES, ...). */
async function isFileOrDir(p: string): Promise<boolean> {
  try {
    await fsp.stat(p);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw new UsageError(
      `--dataset ${p}: cannot be read (${code === 'EACCES' ? 'permission denied on it or a folder above it, ' : ''}${
        code ?? String(error)
      })`,
    );
  }
}

/** The path `--dataset` points at, or null for `synthetic`. Throws UsageError if nothing is there. */
export async function resolveDatasetPath(dataset: string, dataDir: string): Promise<string | null> {
  if (dataset === SYNTHETIC.name) return null;
  const candidates = [dataset, path.join(dataDir, `${dataset}.txt`), path.join(dataDir, dataset)];
  for (const c of candidates) if (await isFileOrDir(c)) return path.resolve(c);
  throw new UsageError(
    `--dataset '${excerpt(dataset)}': no such file (looked for ${candidates.map((c) => excerpt(c, 80)).join(', ')})`,
  );
}

/** Loads the interactions `--dataset` names. */
export async function loadLog(flags: DataFlags): Promise<InteractionLog> {
  const file = await resolveDatasetPath(flags.dataset, flags.dataDir);
  if (file === null)
    return generateSyntheticInteractions({ users: SYNTHETIC.users, items: SYNTHETIC.items, seed: SYNTHETIC.seed });
  try {
    return await loadInteractions(file, {
      ...flags.columns,
      ...(flags.format === undefined ? {} : { format: flags.format }),
    });
  } catch (error) {
    if (error instanceof MissingColumnError)
      throw new UsageError(`--dataset: ${error.messageWithFix(`name it with --${COLUMN_FLAGS[error.option]}`)}`);
    if (error instanceof DataFormatError) throw new UsageError(`--dataset: ${error.message}`);
    throw error;
  }
}

/** Interactions -> dataset (vocabulary, sequences) -> leave-one-out split. */
export async function loadSplit(flags: DataFlags): Promise<SplitDataset> {
  return leaveOneOutSplit(buildDataset(await loadLog(flags)));
}
