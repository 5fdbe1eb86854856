/**
 * How the optimizer updates the item embedding table (issue 13: a sampled loss's step should
 * not grow with the catalogue).
 *
 *   dense  every weight by Adam (adam.ts) from autodiff's dense [V+1, d] gradient of the table;
 *          every row moves every step (by its momentum when its gradient is 0)
 *   lazy   the table's gradient as the rows the step reads (sparseItemRows.ts) and lazy Adam on
 *          those rows only (lazyAdamRows.ts); the other weights as dense
 *
 * Default per loss: `lazy` for sampled_softmax and gbce, whose steps read the batch's items and
 * N shared negatives (a few thousand rows) however large the catalogue, and whose purpose is
 * catalogues where dense costs O(V d) per step; `dense` for bce (the spec's objective: its
 * numbers stay those of every recorded run) and ce (its softmax reads and moves every row each
 * step, so lazy would save nothing; it is refused there).
 *
 * With l2Emb > 0, lazy applies the penalty to the rows a step reads: each such row gets exactly
 * dense's gradient (loss + 2 l2Emb w), the rows it does not read are not decayed, and the loss
 * value reports l2Emb times the sum over the read rows.
 *
 * How a step computes the table's gradient is a separate choice (`stepReadsItemRows`): dense's
 * update from the rows a step reads, scattered into zeros, is the update from autodiff's dense
 * gradient whenever the other rows' gradient is 0, and costs O(rows read · d) instead of three
 * [V+1, d] segment sums, their sum and a download of (V+1) d floats per step.
 */
import type { LossName } from '@seqrec/models';

export const EMBEDDING_UPDATES = ['dense', 'lazy'] as const;
export type EmbeddingUpdate = (typeof EMBEDDING_UPDATES)[number];

/** The default for a loss (see above). */
export function defaultEmbeddingUpdate(loss: LossName): EmbeddingUpdate {
  return loss === 'sampled_softmax' || loss === 'gbce' ? 'lazy' : 'dense';
}

/** Throws a RangeError naming `embeddingUpdate` when the value is unknown or does not fit the loss. */
export function checkEmbeddingUpdate(update: string, loss: LossName): void {
  if (!(EMBEDDING_UPDATES as readonly string[]).includes(update))
    throw new RangeError(`embeddingUpdate must be one of ${EMBEDDING_UPDATES.join(', ')}, got '${update}'`);
  if (update === 'lazy' && loss === 'ce')
    throw new RangeError(
      "embeddingUpdate 'lazy' does not apply to loss 'ce': its softmax reads every item row each step (use 'dense')",
    );
}

/**
 * True when a step should compute the item table's gradient as the rows it reads
 * (sparseItemRows.ts) rather than as autodiff's dense [V+1, d] gradient: always for `lazy`; for
 * `dense` when the two give the same update, i.e. the loss reads only some rows (not ce) and no
 * l2Emb penalty reaches the rows it does not read.
 */
export function stepReadsItemRows(update: EmbeddingUpdate, loss: LossName, l2Emb: number): boolean {
  return update === 'lazy' || (loss !== 'ce' && l2Emb === 0);
}
