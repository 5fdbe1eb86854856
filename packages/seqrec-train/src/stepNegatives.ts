/**
 * The negatives of the losses that share them across a step (`sampled_softmax`, `gbce`;
 * @seqrec/models losses/): N item ids per optimizer step, drawn with replacement from the
 * uniform distribution over 1..V or (sampled_softmax with `popularity`) in proportion to each
 * item's count in the training sequences, with log Q of each negative and of each target for
 * the log-Q correction.
 *
 * A step's draw depends only on (seed, global step), so a resumed run draws what the
 * uninterrupted one drew without any saved state, and every data-parallel shard receives the
 * main thread's draw (the negatives are shared by the whole batch).
 */
import { Random, type SplitDataset } from '@seqrec/data';
import type { LossConfig } from '@seqrec/models';

/** One step's shared negatives, host arrays (posted to gradient workers as they are). */
export interface StepNegatives {
  /** [N] negative item ids (1..V). */
  items: Int32Array;
  /** [N] log Q of each negative; null when Q is uniform (the correction cancels). */
  logQ: Float32Array | null;
  /** [B*T] log Q of each position's target, row-major as the batch's `pos` (0 at padding); null when uniform. */
  targetLogQ: Float32Array | null;
}

/** True when the loss draws shared negatives per step. */
export function usesStepNegatives(loss: LossConfig): boolean {
  return loss.loss === 'sampled_softmax' || loss.loss === 'gbce';
}

export class StepNegativeSampler {
  private readonly numNegatives: number;
  /** Popularity sampling: cumulative counts [V+1] (index 0 = 0) and log Q [V+1]; null when uniform. */
  private readonly cumulative: Float64Array | null;
  private readonly logQ: Float64Array | null;

  constructor(
    private readonly numItems: number,
    loss: LossConfig,
    private readonly seed: number,
    split?: SplitDataset,
  ) {
    this.numNegatives = loss.numNegatives;
    if (loss.loss === 'sampled_softmax' && loss.negativeSampling === 'popularity') {
      if (split === undefined)
        throw new Error('StepNegativeSampler: popularity sampling needs the split (item counts)');
      const counts = new Float64Array(numItems + 1);
      for (const u of split.users) for (const item of u.train) counts[item] = (counts[item] as number) + 1;
      this.cumulative = new Float64Array(numItems + 1);
      for (let i = 1; i <= numItems; i++)
        this.cumulative[i] = (this.cumulative[i - 1] as number) + (counts[i] as number);
      const total = this.cumulative[numItems] as number;
      // An item never seen in training is never drawn; as a target it counts as seen once.
      this.logQ = counts.map((c) => Math.log(Math.max(c, 1) / total));
    } else {
      this.cumulative = null;
      this.logQ = null;
    }
  }

  /** The negatives of global optimizer step `step` (0-based) for a batch with targets `pos`. */
  forStep(step: number, pos: Int32Array): StepNegatives {
    const rng = new Random((Math.imul(this.seed ^ 0x6e656773, 0x9e3779b1) + step) >>> 0);
    const items = new Int32Array(this.numNegatives);
    const cumulative = this.cumulative;
    for (let i = 0; i < items.length; i++)
      items[i] = cumulative === null ? 1 + rng.nextInt(this.numItems) : draw(cumulative, rng.nextFloat());
    const logQ = this.logQ;
    if (logQ === null) return { items, logQ: null, targetLogQ: null };
    return {
      items,
      logQ: Float32Array.from(items, (id) => logQ[id] as number),
      targetLogQ: Float32Array.from(pos, (id) => (id === 0 ? 0 : (logQ[id] as number))),
    };
  }
}

/** The item whose cumulative-count interval holds u * total (binary search; u in [0, 1)). */
function draw(cumulative: Float64Array, u: number): number {
  const target = u * (cumulative[cumulative.length - 1] as number);
  let [lo, hi] = [1, cumulative.length - 1];
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((cumulative[mid] as number) > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
