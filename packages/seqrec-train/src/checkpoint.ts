/**
 * Checkpoints: everything needed to continue a run exactly, written atomically
 * (see @seqrec/files' writeDirAtomic) so a crash never leaves a half-written checkpoint.
 *
 * Layout of a checkpoint directory:
 *   model.json, weights.bin   the model (`saveModel` of @seqrec/models)
 *   optimizer.json/.bin       Adam step and moments (absent in `best/`)
 *   trainer.json              epoch, global step, sampler/model RNG states, best-so-far
 *   vocab.json                raw <-> dense id mapping, so results come back as raw ids
 *   run.json                  model config, the effective training options, the data's fingerprint
 *   manifest.json             size and sha256 of every other file (manifest.ts), written last
 * Loading verifies the manifest; a damaged checkpoint is skipped for the previous complete one
 * (`<dir>.old`, or a complete tmp dir a crash left), with a note saying so.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { SamplerState } from '@seqrec/data';
import {
  atomicDirCandidates,
  isAtomicTempFileOf,
  writeDirAtomic,
  writeFileSynced,
  type SwapStage,
} from '@seqrec/files';
import { MODEL_FILE, type ModelConfig, type SequentialRecommender } from '@seqrec/models';
import { loadModel, saveModel } from '@seqrec/models/node';
import type { AdamState } from './adam';
import { CorruptStateError, TrainDirError, short } from './errors';
import { MANIFEST_FILE, manifestFiles, verifyManifest, writeManifest } from './manifest';
import { hasFields, parseJsonFile, readJsonFile } from './stateFile';
import type { EvalRecord } from './evaluate';

/** The trainer's loop state (JSON). */
export interface TrainerState {
  /** Completed epochs. */
  epoch: number;
  /** Optimizer steps taken so far. */
  globalStep: number;
  /** `TrainSampler.getState()` after `epoch`. */
  samplerState: SamplerState | null;
  /** The model's dropout RNG state (`getRngState()`), null before the first checkpoint. */
  modelRngState: number | null;
  /** Best evaluation so far (by the selection metric), or null before the first one. */
  best: { epoch: number; value: number; records: EvalRecord[] } | null;
  /** Evaluations since the best one (early stopping). */
  evalsSinceBest: number;
  /** Wall-clock seconds of training so far. */
  seconds: number;
}

/** What a checkpoint holds besides the model. */
export interface RunInfo {
  modelConfig: ModelConfig;
  /** Effective training options (JSON-safe). */
  options: Record<string, unknown>;
  /** The training data's fingerprint (`datasetFingerprint` of @seqrec/data); absent before it was recorded. */
  dataFingerprint?: string;
}

export interface CheckpointContents {
  model: SequentialRecommender;
  vocab: unknown;
  run: RunInfo;
  trainer?: TrainerState;
  optimizer?: AdamState;
}

export interface LoadedCheckpoint {
  dir: string;
  model: SequentialRecommender;
  vocab: unknown;
  run: RunInfo;
  trainer: TrainerState | null;
  optimizer: AdamState | null;
  /** Damaged or incomplete versions skipped to get here (one line each; empty normally). */
  notes: string[];
}

function encodeOptimizer(state: AdamState): { manifest: string; data: Uint8Array } {
  const entries: { name: string; shape: number[]; size: number }[] = [];
  const parts: Float32Array[] = [];
  for (const [name, { shape, m, v }] of state.moments) {
    entries.push({ name, shape, size: m.length });
    parts.push(m, v);
  }
  const total = parts.reduce((n, p) => n + p.length, 0);
  const all = new Float32Array(total);
  let offset = 0;
  for (const p of parts) {
    all.set(p, offset);
    offset += p.length;
  }
  return { manifest: JSON.stringify({ step: state.step, entries }), data: new Uint8Array(all.buffer) };
}

function decodeOptimizer(file: string, manifest: string, bytes: Buffer): AdamState {
  const { step, entries } = parseJsonFile<{
    step: number;
    entries: { name: string; shape: number[]; size: number }[];
  }>(file, manifest, hasFields({ step: 'number', entries: 'array' }));
  const floatsNeeded = entries.reduce((n, e) => n + 2 * e.size, 0);
  if (floatsNeeded * 4 !== bytes.byteLength)
    throw new CorruptStateError(
      file,
      `lists ${floatsNeeded * 4} bytes of moments, optimizer.bin has ${bytes.byteLength}`,
    );
  const floats = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const moments: AdamState['moments'] = new Map();
  let offset = 0;
  for (const e of entries) {
    const m = floats.slice(offset, offset + e.size);
    const v = floats.slice(offset + e.size, offset + 2 * e.size);
    offset += 2 * e.size;
    moments.set(e.name, { shape: e.shape, m, v });
  }
  return { step, moments };
}

/** The files a checkpoint directory may hold (all written by {@link saveCheckpoint}). */
export const CHECKPOINT_FILES = [
  MODEL_FILE,
  'weights.bin',
  'vocab.json',
  'run.json',
  'trainer.json',
  'optimizer.json',
  'optimizer.bin',
  MANIFEST_FILE,
] as const;

/** Where a crash test may kill a checkpoint write: inside it, or at a point of the swap. */
export type CheckpointStage = 'model-written' | SwapStage;

/**
 * Writes a checkpoint to `dir` atomically. `faultInjection` (tests only) is called at every
 * {@link CheckpointStage}, to simulate a crash there.
 */
export async function saveCheckpoint(
  dir: string,
  contents: CheckpointContents,
  faultInjection?: (stage: CheckpointStage) => void,
): Promise<void> {
  await writeDirAtomic(
    dir,
    async (tmp) => {
      await saveModel(contents.model, tmp);
      faultInjection?.('model-written');
      await writeFileSynced(path.join(tmp, 'vocab.json'), JSON.stringify(contents.vocab));
      await writeFileSynced(path.join(tmp, 'run.json'), JSON.stringify(contents.run, null, 2));
      if (contents.trainer)
        await writeFileSynced(path.join(tmp, 'trainer.json'), JSON.stringify(contents.trainer, null, 2));
      if (contents.optimizer) {
        const { manifest, data } = encodeOptimizer(contents.optimizer);
        await writeFileSynced(path.join(tmp, 'optimizer.json'), manifest);
        await writeFileSynced(path.join(tmp, 'optimizer.bin'), data);
      }
      await writeManifest(tmp);
    },
    { removeDir: removeCheckpointDir, onStage: faultInjection },
  );
}

/**
 * The names in a checkpoint directory that seqrec wrote: its files, and the temp files of an
 * atomic write of one of them that a crash interrupted (saveModel writes weights.bin and
 * model.json through writeFileAtomic).
 */
async function checkpointDirNames(dir: string): Promise<{ ours: string[]; foreign: string[] }> {
  const files = new Set<string>([...CHECKPOINT_FILES, ...((await manifestFiles(dir)) ?? [])]);
  const names = await fsp.readdir(dir).catch(() => [] as string[]);
  const isOurs = (n: string): boolean => files.has(n) || [...files].some((f) => isAtomicTempFileOf(n, f));
  return { ours: names.filter(isOurs), foreign: names.filter((n) => !isOurs(n)) };
}

/** Files in a checkpoint directory that seqrec did not write there (never deleted). */
export async function foreignCheckpointFiles(dir: string): Promise<string[]> {
  return (await checkpointDirNames(dir)).foreign;
}

/** A TrainDirError when `dir` holds files seqrec did not write (checked before deleting anything). */
export async function assertOnlyCheckpointFiles(dir: string): Promise<void> {
  const others = await foreignCheckpointFiles(dir);
  if (others.length === 0) return;
  throw new TrainDirError(
    `${dir} holds files seqrec did not write (${others
      .slice(0, 3)
      .map((n) => short(n, 30))
      .join(', ')}${others.length > 3 ? ', ...' : ''}); move them away, seqrec never deletes them`,
  );
}

/**
 * Deletes a checkpoint directory: the files seqrec writes there, then the directory. When it
 * holds anything else (not seqrec's), nothing is deleted: a TrainDirError names it.
 */
export async function removeCheckpointDir(dir: string): Promise<void> {
  await assertOnlyCheckpointFiles(dir);
  for (const name of (await checkpointDirNames(dir)).ours) await fsp.rm(path.join(dir, name), { force: true });
  await fsp.rmdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
}

/** Why `dir` is not a complete checkpoint, or null if it is. */
async function checkpointProblem(dir: string, pending: boolean): Promise<string | null> {
  const verdict = await verifyManifest(dir);
  if (verdict === 'ok') return null;
  if (verdict !== 'absent') return verdict;
  // No manifest: a tmp dir is then unfinished; elsewhere it is a checkpoint of an older seqrec.
  if (pending) return `${dir} is incomplete (no ${MANIFEST_FILE}: the write was interrupted)`;
  for (const name of ['run.json', MODEL_FILE, 'weights.bin', 'vocab.json']) {
    if ((await readOptional(path.join(dir, name))) === null) return `${dir} has no ${name}`;
  }
  return null;
}

/** The complete checkpoint of `dir` (or its previous version), and what was skipped on the way. */
export interface CheckpointSearch {
  found: string | null;
  /** One line per version skipped (damaged, incomplete). */
  skipped: string[];
  /** Every version looked at (`dir`, its tmp dirs, `dir.old`). */
  seen: string[];
}

/**
 * Looks at every version of the checkpoint `dir` (itself, tmp dirs a crash left, `dir.old`) and
 * takes the first complete one (manifest verified).
 */
export async function searchCheckpoint(dir: string): Promise<CheckpointSearch> {
  const skipped: string[] = [];
  const candidates = await atomicDirCandidates(dir);
  for (const c of candidates) {
    const problem = await checkpointProblem(c.dir, c.kind === 'pending');
    if (problem === null) return { found: c.dir, skipped, seen: candidates.map((x) => x.dir) };
    skipped.push(problem);
  }
  return { found: null, skipped, seen: candidates.map((x) => x.dir) };
}

async function readOptional(file: string): Promise<Buffer | null> {
  try {
    return await fsp.readFile(file);
  } catch {
    return null;
  }
}

/** Where a complete checkpoint for `dir` lives (itself or a previous version), or null. */
export async function findCheckpoint(dir: string): Promise<string | null> {
  return (await searchCheckpoint(dir)).found;
}

/**
 * The directory holding the model of `dir`: a checkpoint dir itself, a train dir's `best/`
 * checkpoint, or a bare saved model (`model.json` + `weights.bin`, as `saveModel` writes); null
 * if none of these.
 */
export async function findSavedModel(dir: string): Promise<string | null> {
  const found = (await findCheckpoint(dir)) ?? (await findCheckpoint(path.join(dir, 'best')));
  if (found !== null) return found;
  return (await readOptional(path.join(dir, MODEL_FILE))) === null ? null : dir;
}

const TRAINER_FIELDS = hasFields({
  epoch: 'number',
  globalStep: 'number',
  samplerState: 'object|null',
  modelRngState: 'number|null',
  best: 'object|null',
  evalsSinceBest: 'number',
  seconds: 'number',
});

/**
 * Loads a checkpoint written by {@link saveCheckpoint}: `dir`, or its previous complete version
 * when `dir` is damaged (said in `notes`). Every file is checked; a CorruptStateError names the
 * file otherwise, a TrainDirError when there is no complete version at all.
 * @param seed the model's seed (drives dropout; a resumed run must pass the run's seed). Default 0.
 */
export async function loadCheckpoint(dir: string, seed = 0): Promise<LoadedCheckpoint> {
  const search = await searchCheckpoint(dir);
  const found = search.found;
  if (found === null) {
    throw new TrainDirError(
      search.seen.length === 0
        ? `no checkpoint at ${dir}`
        : `no complete checkpoint at ${dir}: ${search.skipped.join('; ')}`,
    );
  }
  const notes =
    found === dir ? [] : [`using ${found}, the previous complete checkpoint (${search.skipped.join('; ')})`];
  const run = await readJsonFile<RunInfo>(
    path.join(found, 'run.json'),
    hasFields({ modelConfig: 'object', options: 'object' }),
  );
  const vocab = await readJsonFile<unknown>(path.join(found, 'vocab.json'));
  const trainerFile = path.join(found, 'trainer.json');
  const trainerText = await readOptional(trainerFile);
  const trainer =
    trainerText === null
      ? null
      : parseJsonFile<TrainerState>(trainerFile, trainerText.toString('utf8'), TRAINER_FIELDS);
  const optFile = path.join(found, 'optimizer.json');
  const optManifest = await readOptional(optFile);
  const optData = await readOptional(path.join(found, 'optimizer.bin'));
  const optimizer =
    optManifest !== null && optData !== null ? decodeOptimizer(optFile, optManifest.toString('utf8'), optData) : null;
  let model: SequentialRecommender;
  try {
    model = await loadModel(found, { seed });
  } catch (error) {
    throw new CorruptStateError(
      path.join(found, MODEL_FILE),
      `the model cannot be loaded (${short((error as Error).message, 120)})`,
    );
  }
  return { dir: found, model, vocab, run, trainer, optimizer, notes };
}
