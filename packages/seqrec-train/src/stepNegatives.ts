/**
 * The negatives of the sampled losses (@seqrec/models losses/), drawn with replacement:
 * - `sampled_softmax`: N item ids per optimizer step, shared by every position of the batch,
 *   uniform over 1..V or (`popularity`) in proportion to each item's count in the training
 *   sequences, with log Q of each negative and of each target for the log-Q correction;
 * - `gbce`: N uniform item ids for every target position, as gSASRec draws them (its data loader
 *   samples a [B, T, N] tensor), 0 at padding positions.
 *
 * A step's draw depends only on (seed, global step), so a resumed run draws what the
 * uninterrupted one drew without any saved state, and the data-parallel shards receive the
 * main thread's draw (the shared negatives whole, the per-position ones cut to their rows).
 */
import { Random, type SplitDataset } from '@seqrec/data';
import type { LossConfig } from '@seqrec/models';

/** One step's negatives, host arrays (posted to gradient workers as they are). */
export interface StepNegatives {
  /**
   * Negative item ids (1..V): [N] shared by the step, or, when `perPosition`, [B*T*N] row-major
   * as the batch's `pos` with N per position (0 at padding).
   */
  items: Int32Array;
  /** True when `items` holds N negatives per position (gbce) rather than N for the whole step. */
  perPosition: boolean;
  /** [N] log Q of each negative; null when Q is uniform (the correction cancels). */
  logQ: Float32Array | null;
  /** [B*T] log Q of each position's target, row-major as the batch's `pos` (0 at padding); null when uniform. */
  targetLogQ: Float32Array | null;
}

/** True when the loss draws negatives (per step or per position). */
export function usesStepNegatives(loss: LossConfig): boolean {
  return loss.loss === 'sampled_softmax' || loss.loss === 'gbce';
}

export class StepNegativeSampler {
  private readonly numNegatives: number;
  /** gbce draws N per target position; sampled_softmax N per step. */
  private readonly perPosition: boolean;
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
    this.perPosition = loss.loss === 'gbce';
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
    if (this.perPosition) {
      const N = this.numNegatives;
      const items = new Int32Array(pos.length * N);
      for (let p = 0; p < pos.length; p++)
        if (pos[p] !== 0) for (let j = p * N; j < (p + 1) * N; j++) items[j] = 1 + rng.nextInt(this.numItems);
      return { items, perPosition: true, logQ: null, targetLogQ: null };
    }
    const items = new Int32Array(this.numNegatives);
    const cumulative = this.cumulative;
    for (let i = 0; i < items.length; i++)
      items[i] = cumulative === null ? 1 + rng.nextInt(this.numItems) : draw(cumulative, rng.nextFloat());
    const logQ = this.logQ;
    if (logQ === null) return { items, perPosition: false, logQ: null, targetLogQ: null };
    return {
      items,
      perPosition: false,
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
