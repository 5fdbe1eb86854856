/**
 * The start of a train: claim the train dir (trainDir.ts), then the model, optimizer and loop
 * state, fresh or from the last checkpoint. Everything is checked before anything in the dir is
 * rewritten: the data, the memory a step needs, the checkpoint (every file, manifest verified),
 * the settings against the run's; only then are leftovers removed, an overwritten run deleted,
 * metrics.jsonl cut back to the checkpoint and the run's files written.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { SplitDataset } from '@seqrec/data';
import { datasetFingerprint } from '@seqrec/data/node';
import { checkLossForCatalogue, createModel, resolveModelConfig, type SequentialRecommender } from '@seqrec/models';
import { loadModel } from '@seqrec/models/node';
import { tf } from '@seqrec/runtime';
import { Adam } from './adam';
import { findSavedModel, loadCheckpoint, removeCheckpointDir, searchCheckpoint, type TrainerState } from './checkpoint';
import { ResumeMismatchError, TrainDirError, UnusableDataError } from './errors';
import { checkTrainingMemory } from './memoryEstimate';
import { MetricsLog } from './metricsLog';
import { adamOptionsOf, lossConfigOf, type ResolvedTrainOptions, type TrainOptions } from './options';
import { resumeDifferences } from './resumeCheck';
import { TrainDirClaim } from './trainDir';

export interface RunStart {
  claim: TrainDirClaim;
  model: SequentialRecommender;
  adam: Adam;
  state: TrainerState;
  /** The checkpoint resumed from, or null for a new run. */
  resumeFrom: string | null;
  dataFingerprint: string;
}

/** Refuses data no step or no evaluation could use (it would "train" 0 steps to a NaN loss). */
function checkUsable(split: SplitDataset): void {
  // The samplers' rules: a training sample needs 2 train items; evaluation a valid item (3 interactions).
  const trainable = split.users.filter((u) => u.train.length >= 2).length;
  const evaluable = split.users.filter((u) => u.valid !== 0).length;
  if (trainable === 0 || evaluable === 0) {
    throw new UnusableDataError(
      `the data cannot train a model: of its ${split.users.length} users, ${trainable} give a training sample ` +
        `(2 or more training interactions) and ${evaluable} can be evaluated (3 or more interactions)`,
    );
  }
}

export async function startRun(
  split: SplitDataset,
  vocab: unknown,
  o: ResolvedTrainOptions,
  options: TrainOptions,
  report: (message: string) => void,
): Promise<RunStart> {
  checkUsable(split);
  const asked = resolveModelConfig({ ...options.model, numItems: split.dataset.numItems });
  checkLossForCatalogue(lossConfigOf(o), asked.numItems);
  if (tf.getBackend() === 'wasm') checkTrainingMemory(asked, o.batchSize, undefined, o.embeddingUpdate === 'lazy');
  const dataFingerprint = datasetFingerprint(split.dataset);
  const mode = o.resume ? 'resume' : options.overwrite === true ? 'overwrite' : 'new';
  if (o.resume && options.overwrite === true) throw new TrainDirError('--resume and --overwrite exclude each other');
  const claim = await TrainDirClaim.claim(o.trainDir, mode, report);
  const log = new MetricsLog(o.trainDir);
  let model: SequentialRecommender | null = null;
  try {
    let state: TrainerState;
    let adam: Adam;
    let resumeFrom: string | null = null;
    if (o.resume) {
      const lastDir = path.join(o.trainDir, 'last');
      const search = await searchCheckpoint(lastDir);
      if (search.found === null) {
        throw new TrainDirError(
          `--resume: no complete checkpoint in ${lastDir} (${
            search.seen.length === 0
              ? 'none was written: the run stopped before its first epoch ended'
              : search.skipped.join('; ')
          }); start over with --overwrite`,
        );
      }
      const ckpt = await loadCheckpoint(lastDir, o.seed);
      model = ckpt.model;
      if (ckpt.trainer === null || ckpt.optimizer === null)
        throw new TrainDirError(`--resume: ${ckpt.dir} is not a resumable checkpoint (no trainer or optimizer state)`);
      // The loaded model's config, not run.json's: loading completes an older run's (its time unit).
      const recorded = { ...ckpt.run, modelConfig: model.config };
      const differences = resumeDifferences(recorded, ckpt.vocab, { options: o, model: asked, dataFingerprint, vocab });
      if (differences.length > 0) throw new ResumeMismatchError(o.trainDir, differences, options.optionName);
      for (const note of ckpt.notes) report(note);
      state = ckpt.trainer;
      adam = new Adam(model.weights, adamOptionsOf(o));
      adam.setState(ckpt.optimizer);
      if (state.modelRngState !== null) model.setRngState(state.modelRngState);
      resumeFrom = ckpt.dir;
      await settleLast(lastDir, ckpt.dir);
    } else {
      model = (options.modelFactory ?? ((c, seed) => createModel(c, { seed })))(asked, o.seed);
      if (o.initFrom !== null) await initWeights(model, o.initFrom);
      adam = new Adam(model.weights, adamOptionsOf(o));
      state = {
        epoch: 0,
        globalStep: 0,
        samplerState: null,
        modelRngState: null,
        best: null,
        evalsSinceBest: 0,
        seconds: 0,
      };
      if (mode === 'overwrite') await claim.clearRun();
    }
    await claim.removeLeftovers(null);
    await log.truncateAfter(state.epoch);
    for (const [name, text] of Object.entries(options.runFiles ?? {})) await claim.writeRunFile(name, text);
    return { claim, model, adam, state, resumeFrom, dataFingerprint };
  } catch (error) {
    model?.dispose();
    await claim.release();
    throw error;
  }
}

/**
 * Makes the checkpoint resumed from `last/` itself when it was a version beside it (a damaged
 * `last/` removed, a complete tmp dir renamed in), so removing leftovers cannot take it.
 */
async function settleLast(lastDir: string, used: string): Promise<void> {
  if (used === lastDir) return;
  const hasLast = await fsp.lstat(lastDir).then(
    () => true,
    () => false,
  );
  if (hasLast) await removeCheckpointDir(lastDir); // damaged (else it would have been used)
  if (used !== `${lastDir}.old`) await fsp.rename(used, lastDir);
}

/** Copies weights of the same names from a saved model / checkpoint (`--state_dict_path`). */
async function initWeights(model: SequentialRecommender, dir: string): Promise<void> {
  const found = await findSavedModel(dir);
  if (found === null) throw new TrainDirError(`${dir}: no saved model there (no checkpoint, no best/, no model.json)`);
  const source = await loadModel(found);
  try {
    for (const [name, w] of model.weights) {
      const s = source.weights.get(name);
      if (s === undefined || s.shape.join(',') !== w.shape.join(',')) {
        throw new TrainDirError(
          `${dir}: weight '${name}' is missing or has another shape ([${s?.shape ?? ''}] vs [${w.shape}])`,
        );
      }
      w.assign(s);
    }
  } finally {
    for (const w of source.weights.values()) w.dispose();
  }
}
