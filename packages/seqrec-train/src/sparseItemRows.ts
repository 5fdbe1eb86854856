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
  const { ids, index } = readRows(batch, negatives, loss);
  const renumber = (a: Int32Array) => {
    const out = new Int32Array(a.length);
    for (let i = 0; i < a.length; i++) out[i] = (index[a[i] as number] as number) - 1;
    return out;
  };
  return {
    ids,
    batch: {
      ...batch,
      seq: renumber(batch.seq),
      pos: renumber(batch.pos),
      neg: loss === 'bce' ? renumber(batch.neg) : new Int32Array(batch.neg.length),
    },
    negatives: negatives === null ? null : { ...negatives, items: renumber(negatives.items) },
  };
}

/** `stepItemRows(...).ids` without renumbering the batch (the data-parallel lazy update needs only these). */
export function stepItemIds(batch: TrainBatch, negatives: StepNegatives | null, loss: LossName): Int32Array {
  return readRows(batch, negatives, loss).ids;
}

/**
 * The sorted distinct ids read (0 first) and index[id] = 1 + its row among them (0 = not read).
 * Marks the ids in an id-indexed array, then numbers them in id order: O(reads + V), no sort
 * (gbce's per-position negatives are millions of reads a step).
 */
function readRows(
  batch: TrainBatch,
  negatives: StepNegatives | null,
  loss: LossName,
): { ids: Int32Array; index: Int32Array } {
  if (loss === 'ce') throw new Error("stepItemRows: loss 'ce' reads every item row");
  const sources = [
    batch.seq,
    batch.pos,
    ...(loss === 'bce' ? [batch.neg] : []),
    ...(negatives ? [negatives.items] : []),
  ];
  let largest = 0;
  for (const a of sources) for (let i = 0; i < a.length; i++) if ((a[i] as number) > largest) largest = a[i] as number;
  const index = new Int32Array(largest + 1);
  index[0] = 1; // padding is always row 0
  for (const a of sources) for (let i = 0; i < a.length; i++) index[a[i] as number] = 1;
  let k = 0;
  for (let id = 0; id <= largest; id++) if (index[id] !== 0) index[id] = ++k;
  const ids = new Int32Array(k);
  for (let id = 0; id <= largest; id++) if (index[id] !== 0) ids[(index[id] as number) - 1] = id;
  return { ids, index };
}
