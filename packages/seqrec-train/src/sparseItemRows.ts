/**
 * The item rows a training step reads, for the lazy embedding update (embeddingUpdate.ts): the
 * distinct ids of the batch's input items (seq), its targets (pos) and its negatives (bce: the
 * per-position `neg`; sampled_softmax: the step's shared negatives; gbce: each position's own), and the batch with
 * every id renumbered to its index among them. The model then runs on those K rows
 * (ForwardOptions.itemTable) and autodiff's gradient of the table is [K, d], not [V+1, d].
 *
 * Id 0 (padding) is always index 0, so padding stays padding after renumbering.
 */
import type { TrainBatch } from '@seqrec/data';
import type { LossName } from '@seqrec/models';
import type { StepNegatives } from './stepNegatives';

export interface StepItemRows {
  /** [K] sorted distinct item ids the step reads, ids[0] = 0 (padding). */
  ids: Int32Array;
  /** The batch with seq, pos and neg renumbered into 0..K-1 (neg all 0 when the loss does not read it). */
  batch: TrainBatch;
  /** The shared negatives renumbered likewise (log Q unchanged), or null. */
  negatives: StepNegatives | null;
}

/** The rows `loss` reads in this step (a loss other than ce: ce reads every row). */
export function stepItemRows(batch: TrainBatch, negatives: StepNegatives | null, loss: LossName): StepItemRows {
  if (loss === 'ce') throw new Error("stepItemRows: loss 'ce' reads every item row");
  const readsNeg = loss === 'bce';
  const sources = [batch.seq, batch.pos, ...(readsNeg ? [batch.neg] : []), ...(negatives ? [negatives.items] : [])];
  const all = new Int32Array(1 + sources.reduce((n, a) => n + a.length, 0)); // all[0] = 0: padding
  let at = 1;
  for (const a of sources) {
    all.set(a, at);
    at += a.length;
  }
  all.sort();
  let k = 0;
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) all[k++] = all[i] as number;
  const ids = all.slice(0, k);
  const renumber = (a: Int32Array) => a.map((id) => indexOf(ids, id));
  return {
    ids,
    batch: {
      ...batch,
      seq: renumber(batch.seq),
      pos: renumber(batch.pos),
      neg: readsNeg ? renumber(batch.neg) : new Int32Array(batch.neg.length),
    },
    negatives: negatives === null ? null : { ...negatives, items: renumber(negatives.items) },
  };
}

/** Index of `id` in the sorted array `ids` (binary search; `id` is in it). */
function indexOf(ids: Int32Array, id: number): number {
  let [lo, hi] = [0, ids.length - 1];
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((ids[mid] as number) < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
