/**
 * The per-shard half of data-parallel training, shared by the main thread and the gradient
 * workers: split a sampler batch into contiguous row shards, compute one shard's loss and
 * gradients (flattened into one Float32Array, ready to post to another thread), and move every
 * weight of a model in and out of one flat Float32Array.
 *
 * Why flat: one buffer per message (one transfer, no per-weight bookkeeping), in the fixed order
 * of `model.weights`, which is the same on every replica built from the same config.
 */
import { tf } from '@seqrec/runtime';
import type { TrainBatch } from '@seqrec/data';
import { trainingLoss, type SequentialRecommender } from '@seqrec/models';
import type { StepNegatives } from './stepNegatives';
import { BCE_OBJECTIVE, disposeTrainingBatch, toTrainingBatch, type StepObjective } from './trainStep';

/** One shard's result: what the main thread needs to build the whole batch's gradient. */
export interface ShardResult {
  /** The shard's loss (its own mean over target positions, plus the l2Emb term). */
  loss: number;
  /** Target positions (`pos != 0`) in the shard: its weight in the whole-batch mean. */
  count: number;
  /** Every weight's gradient, concatenated in `model.weights` order (0 where missing). */
  grads: Float32Array;
  /** Indices (in `model.weights` order) of weights the loss does not reach (no gradient). */
  missing: number[];
}

/** Rows [start, end) of a batch as a batch of its own. `copy`: own buffers (to post), else views. */
export function sliceBatch(batch: TrainBatch, start: number, end: number, copy: boolean): TrainBatch {
  const T = batch.length;
  const range = (a: Int32Array, from: number, to: number): Int32Array =>
    copy ? a.slice(from, to) : a.subarray(from, to);
  const cut = (a: Int32Array, width: number): Int32Array => range(a, start * width, end * width);
  return {
    users: range(batch.users, usersBefore(batch, start), usersBefore(batch, end)),
    size: end - start,
    length: T,
    seq: cut(batch.seq, T),
    pos: cut(batch.pos, T),
    neg: cut(batch.neg, T),
    rel: batch.rel === null ? null : cut(batch.rel, T * T),
    segments: batch.segments === null ? null : cut(batch.segments, T),
  };
}

/** Users in rows [0, row): one per row, or a packed row's highest slot (slots are 1..k). */
function usersBefore(batch: TrainBatch, row: number): number {
  const { segments, length: T } = batch;
  if (segments === null) return row;
  let users = 0;
  for (let r = 0; r < row; r++) {
    let slots = 0;
    for (let t = 0; t < T; t++) slots = Math.max(slots, segments[r * T + t] as number);
    users += slots;
  }
  return users;
}

/** Row bounds of `shards` contiguous, near-equal shards of `rows` rows: [0, r1, ..., rows]. */
export function shardBounds(rows: number, shards: number): number[] {
  return Array.from({ length: shards + 1 }, (_, w) => Math.floor((w * rows) / shards));
}

/** A step's negatives for rows [start, end) of its batch: the shared ones (or the rows' own, per position), and the rows' target log Q. */
export function sliceNegatives(
  negatives: StepNegatives | null,
  batch: TrainBatch,
  start: number,
  end: number,
  copy: boolean,
): StepNegatives | null {
  if (negatives === null) return null;
  const T = batch.length;
  const rows = negatives.targetLogQ;
  const all = negatives.items;
  const perRow = all.length / batch.size; // T * N, when per position
  const [from, to] = negatives.perPosition ? [start * perRow, end * perRow] : [0, all.length];
  const items = copy ? all.slice(from, to) : all.subarray(from, to);
  return {
    items,
    perPosition: negatives.perPosition,
    logQ: negatives.logQ === null ? null : copy ? negatives.logQ.slice() : negatives.logQ,
    targetLogQ: rows === null ? null : copy ? rows.slice(start * T, end * T) : rows.subarray(start * T, end * T),
  };
}

/** Number of target positions (nonzero `pos`). */
export function countTargets(pos: Int32Array): number {
  let n = 0;
  for (let i = 0; i < pos.length; i++) if (pos[i] !== 0) n++;
  return n;
}

/** Total number of floats of the model's weights. */
export function weightSize(model: SequentialRecommender): number {
  let n = 0;
  for (const w of model.weights.values()) n += w.size;
  return n;
}

/** Every weight, concatenated in `model.weights` order (a fresh array). */
export function readWeights(model: SequentialRecommender): Float32Array {
  const flat = new Float32Array(weightSize(model));
  let offset = 0;
  for (const w of model.weights.values()) {
    flat.set(w.dataSync() as Float32Array, offset);
    offset += w.size;
  }
  return flat;
}

/** Assigns every weight from a flat array made by `readWeights` on a replica. */
export function writeWeights(model: SequentialRecommender, flat: Float32Array): void {
  if (flat.length !== weightSize(model))
    throw new Error(`weights: got ${flat.length} floats, the model has ${weightSize(model)}`);
  let offset = 0;
  tf.tidy(() => {
    for (const w of model.weights.values()) {
      w.assign(tf.tensor(flat.subarray(offset, offset + w.size), w.shape, 'float32'));
      offset += w.size;
    }
  });
}

/** FNV-1a over the float bits: equal iff (up to hash collisions) the arrays are bit-identical. */
export function checksum(flat: Float32Array): number {
  const bits = new Uint32Array(flat.buffer, flat.byteOffset, flat.length);
  let h = 0x811c9dc5;
  for (let i = 0; i < bits.length; i++) h = Math.imul(h ^ (bits[i] as number), 0x01000193);
  return h >>> 0;
}

/**
 * Loss and gradients of rows [rowOffset, rowOffset + shard.size) of a batch under `objective`
 * (its negatives already cut to the shard by `sliceNegatives`), with the dropout
 * masks the whole batch would get: the model's dropout state is set to `rngState` (the state at
 * the start of the step) and masks are drawn per global row index. Disposes every tensor it makes.
 */
export function shardGradients(
  model: SequentialRecommender,
  shard: TrainBatch,
  rowOffset: number,
  rngState: number,
  objective: StepObjective = BCE_OBJECTIVE,
): ShardResult {
  model.setRngState(rngState);
  const tensors = toTrainingBatch(shard, objective.negatives);
  const variables = [...model.weights.values()];
  try {
    const { value, grads } = tf.variableGrads(
      () => trainingLoss(model, tensors, objective.loss, { training: true, rowOffset }),
      variables,
    );
    try {
      const flat = new Float32Array(weightSize(model));
      const missing: number[] = [];
      let offset = 0;
      variables.forEach((v, i) => {
        const g = grads[v.name];
        if (g === undefined) missing.push(i);
        else flat.set(g.dataSync() as Float32Array, offset);
        offset += v.size;
      });
      return { loss: value.dataSync()[0] as number, count: countTargets(shard.pos), grads: flat, missing };
    } finally {
      value.dispose();
      tf.dispose(grads);
    }
  } finally {
    disposeTrainingBatch(tensors);
  }
}
