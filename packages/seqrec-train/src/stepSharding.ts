/**
 * Whether a step is worth computing data-parallel (`workers: 'auto'`, the default). Sharding a
 * step across threads saves part of its compute but pays an exchange (the weights posted to each
 * worker, the shards' gradients sent back and summed) that a small step does not earn back: on
 * amazon-video-games (maxlen 50, about 760 positions and 1.2 M parameters per step) two threads
 * made the epoch 1.8x slower than one, on ML-100K (about 4,800 positions) 1.37x faster and on
 * ml-1m-partial (maxlen 200, about 13,000) 1.63x faster.
 *
 * The rule, fitted to those three one-thread / two-thread epoch pairs (wasm, d 50, 2 threads, a
 * quiet machine; docs/PERFORMANCE.md "Workers per step"): the saving is about 0.44 of the step's
 * compute (two threads on this machine do not halve it), 0.0316 ms per unit of
 * `stepPositionCost`; the exchange about 27 ms plus 37 ns per parameter. A step is sharded when
 * the first exceeds the second. The per-position compute is scaled by d / 50 (linear layers grow
 * with d^2, attention with d: a conservative middle, not measured at other d).
 *
 * The decision depends only on the batch's shape and the model, so a seeded run takes the same
 * decisions every time and stays reproducible.
 */
import { stepPositionCost, type TrainBatch } from '@seqrec/data';

const SHARDING_FIXED_COST = 1960; // position-cost units: 27 ms / (0.44 * 0.0316 ms)
const SHARDING_COST_PER_PARAMETER = 1 / 370; // units per parameter: 37 ns / (0.44 * 0.0316 ms)
const REFERENCE_HIDDEN_UNITS = 50;

/** True if `batch` on a model of `hiddenUnits` and `numParams` weights is worth sharding. */
export function worthSharding(
  batch: Pick<TrainBatch, 'size' | 'length'>,
  hiddenUnits: number,
  numParams: number,
): boolean {
  const work = stepPositionCost(batch.size, batch.length) * (hiddenUnits / REFERENCE_HIDDEN_UNITS);
  return work > SHARDING_FIXED_COST + SHARDING_COST_PER_PARAMETER * numParams;
}
