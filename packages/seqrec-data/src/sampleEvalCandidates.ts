/**
 * sampleEvalCandidates: the SASRec "sampled" protocol (spec DATA_AND_EVAL.md §Evaluation): per
 * user the target plus `numNegatives` items drawn uniformly WITH replacement from items that are
 * neither in the user's train sequence nor the target. Deterministic given the RNG state.
 */
import { DataFormatError } from './DataFormatError';
import { type EvalBatch } from './evalBatches';
import { type SplitDataset } from './leaveOneOutSplit';
import { type Random } from './Random';

/** Returns [B * (1 + numNegatives)] item ids, row-major; column 0 of each row is the target. */
export function sampleEvalCandidates(
  split: SplitDataset,
  batch: EvalBatch,
  splitName: 'valid' | 'test',
  numNegatives: number,
  rng: Random,
): Int32Array {
  if (!Number.isInteger(numNegatives) || numNegatives < 0)
    throw new RangeError(`sampleEvalCandidates: numNegatives must be an integer >= 0, got ${numNegatives}`);
  const V = split.dataset.numItems;
  const C = 1 + numNegatives;
  const out = new Int32Array(batch.size * C);
  const excluded = new Uint8Array(V + 1);
  for (let i = 0; i < batch.size; i++) {
    const s = split.users[batch.users[i] - 1];
    const target = batch.targets[i];
    const expected = splitName === 'valid' ? s.valid : s.test;
    if (target !== expected || target === 0) {
      throw new RangeError(
        `sampleEvalCandidates: row ${i} (user ${batch.users[i]}) has target ${target}, but its ${splitName} item is ${expected}`,
      );
    }
    let count = 0;
    for (const x of s.train) {
      if (excluded[x] === 0) count++;
      excluded[x] = 1;
    }
    if (excluded[target] === 0) count++;
    excluded[target] = 1;
    if (count >= V && numNegatives > 0)
      throw new DataFormatError('sampleEvalCandidates', 0, `user ${s.user} has no item left to sample as a negative`);
    out[i * C] = target;
    for (let k = 1; k < C; k++) {
      let x: number;
      do x = 1 + rng.nextInt(V);
      while (excluded[x] === 1);
      out[i * C + k] = x;
    }
    for (const x of s.train) excluded[x] = 0;
    excluded[target] = 0;
  }
  return out;
}
