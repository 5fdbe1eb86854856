/**
 * Checkpoints: everything needed to continue a run exactly, written atomically
 * (see atomicDir.ts) so a crash never leaves a half-written checkpoint.
 *
 * Layout of a checkpoint directory:
 *   model.json, weights.bin   the model (`saveModel` of @seqrec/models)
 *   optimizer.json/.bin       Adam step and moments (absent in `best/`)
 *   trainer.json              epoch, global step, sampler/model RNG states, best-so-far
 *   vocab.json                raw <-> dense id mapping, so results come back as raw ids
 *   run.json                  model config and the effective training options
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { MODEL_FILE, type ModelConfig, type SequentialRecommender } from '@seqrec/models';
import { loadModel, saveModel } from '@seqrec/models/node';
import type { AdamState } from './adam';
import { resolveAtomicDir, writeDirAtomic, writeFileSynced } from './atomicDir';
import type { EvalRecord } from './evaluate';

/** The trainer's loop state (JSON). */
export interface TrainerState {
  /** Completed epochs. */
  epoch: number;
  /** Optimizer steps taken so far. */
  globalStep: number;
  /** `TrainSampler.getState()` after `epoch`. */
  samplerState: unknown;
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

function decodeOptimizer(manifest: string, bytes: Buffer): AdamState {
  const { step, entries } = JSON.parse(manifest) as {
    step: number;
    entries: { name: string; shape: number[]; size: number }[];
  };
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

/**
 * Writes a checkpoint to `dir` atomically. `faultInjection` (tests only) is called after the
 * model files are written, to simulate a crash mid-write.
 */
export async function saveCheckpoint(
  dir: string,
  contents: CheckpointContents,
  faultInjection?: () => void,
): Promise<void> {
  await writeDirAtomic(dir, async (tmp) => {
    await saveModel(contents.model, tmp);
    faultInjection?.();
    await writeFileSynced(path.join(tmp, 'vocab.json'), JSON.stringify(contents.vocab));
    await writeFileSynced(path.join(tmp, 'run.json'), JSON.stringify(contents.run, null, 2));
    if (contents.trainer)
      await writeFileSynced(path.join(tmp, 'trainer.json'), JSON.stringify(contents.trainer, null, 2));
    if (contents.optimizer) {
      const { manifest, data } = encodeOptimizer(contents.optimizer);
      await writeFileSynced(path.join(tmp, 'optimizer.json'), manifest);
      await writeFileSynced(path.join(tmp, 'optimizer.bin'), data);
    }
  });
}

async function readOptional(file: string): Promise<Buffer | null> {
  try {
    return await fsp.readFile(file);
  } catch {
    return null;
  }
}

/** Where a checkpoint lives, or null if `dir` (and its `.old` twin) do not exist. */
export async function findCheckpoint(dir: string): Promise<string | null> {
  const found = await resolveAtomicDir(dir);
  if (found === null) return null;
  return (await readOptional(path.join(found, 'run.json'))) === null ? null : found;
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

/**
 * Loads a checkpoint written by {@link saveCheckpoint}. Throws naming the directory if absent.
 * @param seed the model's seed (drives dropout; a resumed run must pass the run's seed). Default 0.
 */
export async function loadCheckpoint(dir: string, seed = 0): Promise<LoadedCheckpoint> {
  const found = await findCheckpoint(dir);
  if (found === null) throw new Error(`no checkpoint at ${dir}`);
  const run = JSON.parse((await fsp.readFile(path.join(found, 'run.json'))).toString('utf8')) as RunInfo;
  const vocab = JSON.parse((await fsp.readFile(path.join(found, 'vocab.json'))).toString('utf8')) as unknown;
  const model = await loadModel(found, { seed });
  const trainerText = await readOptional(path.join(found, 'trainer.json'));
  const optManifest = await readOptional(path.join(found, 'optimizer.json'));
  const optData = await readOptional(path.join(found, 'optimizer.bin'));
  return {
    dir: found,
    model,
    vocab,
    run,
    trainer: trainerText === null ? null : (JSON.parse(trainerText.toString('utf8')) as TrainerState),
    optimizer: optManifest !== null && optData !== null ? decodeOptimizer(optManifest.toString('utf8'), optData) : null,
  };
}
