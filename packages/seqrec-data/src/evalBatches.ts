/**
 * evalBatches: batched evaluation inputs (spec DATA_AND_EVAL.md §Sequences and split,
 * §Evaluation). For 'valid' the input is the train sequence and the target the valid item; for
 * 'test' the input is train + valid item and the target the test item; the newest `maxlen`
 * items are kept, left padded. Only users with a valid/test item (>= 3 interactions) are
 * evaluated; when there are more than `evalUsers`, a seeded sample of them.
 */
import { type SplitDataset } from './leaveOneOutSplit';
import { type PackedSplit, packSplit, sortByLength, windowLength } from './packSplit';
import { Random } from './Random';
import { type TimeOptions, fillTimeIntervals } from './timeIntervals';

export interface EvalBatch {
  /** [B] dense user ids. */
  users: Int32Array;
  /** B */
  size: number;
  /** T: window length of this batch. */
  length: number;
  /** [B*T] input items, left padded with 0, newest in the last column. */
  seq: Int32Array;
  /** [B*T*T] interval matrices (time-aware only), else null. */
  rel: Int32Array | null;
  /** [B] the item to rank: valid or test item. */
  targets: Int32Array;
  /**
   * Per row: every item of the user's input history (train, plus valid for 'test'), not only the
   * newest maxlen, for exclusion in full ranking. May repeat items.
   */
  seen: Int32Array[];
}

export interface EvalBatchOptions {
  split: 'valid' | 'test';
  /** Maximum window length; the newest `maxlen` input items are kept. */
  maxlen: number;
  /** Users per batch (B). */
  batchSize: number;
  /** Group users of similar length per batch; T = longest rounded up to 8, capped at maxlen. Off: T = maxlen. */
  bucketing: boolean;
  /** Interval options when the model is time-aware, else null. */
  time: TimeOptions | null;
  /** At most this many users are evaluated (seeded sample when there are more). Default 10000. */
  evalUsers?: number;
  /** Seed of the user sample. */
  seed: number;
}

/** A re-iterable, lazily built sequence of eval batches (rel matrices are only built when reached). */
export interface EvalBatches extends Iterable<EvalBatch> {
  readonly numBatches: number;
  /** Users evaluated (after sampling). */
  readonly numUsers: number;
}

const DEFAULT_EVAL_USERS = 10000;

export function evalBatches(split: SplitDataset, options: EvalBatchOptions): EvalBatches {
  const { maxlen, batchSize, bucketing } = options;
  const evalUsers = options.evalUsers ?? DEFAULT_EVAL_USERS;
  if (options.split !== 'valid' && options.split !== 'test')
    throw new RangeError(`evalBatches: split must be 'valid' or 'test', got '${String(options.split)}'`);
  if (!Number.isInteger(maxlen) || maxlen < 1)
    throw new RangeError(`evalBatches: maxlen must be an integer >= 1, got ${maxlen}`);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new RangeError(`evalBatches: batchSize must be an integer >= 1, got ${batchSize}`);
  if (!Number.isInteger(evalUsers) || evalUsers < 1)
    throw new RangeError(`evalBatches: evalUsers must be an integer >= 1, got ${evalUsers}`);
  const p = packSplit(split, options.time, 'evalBatches');
  // Input length: train for 'valid', train + valid for 'test'.
  const extra = options.split === 'test' ? 1 : 0;

  let rows = Int32Array.from(split.users.flatMap((s, r) => (s.valid > 0 ? [r] : [])));
  if (rows.length > evalUsers) {
    rows = new Random(options.seed).shuffle(rows).subarray(0, evalUsers).sort(); // sorted: user-id order
  }
  const real = (r: number): number => Math.min(p.trainLength[r] + extra, maxlen);
  const order = bucketing ? sortByLength(rows, real, maxlen) : rows;
  const numBatches = Math.ceil(order.length / batchSize);

  return {
    numBatches,
    numUsers: order.length,
    *[Symbol.iterator]() {
      for (let b = 0; b < numBatches; b++)
        yield makeBatch(p, order.subarray(b * batchSize, (b + 1) * batchSize), extra, maxlen, bucketing);
    },
  };
}

function makeBatch(p: PackedSplit, rows: Int32Array, extra: number, maxlen: number, bucketing: boolean): EvalBatch {
  const B = rows.length;
  let longest = 0;
  for (const r of rows) longest = Math.max(longest, Math.min(p.trainLength[r] + extra, maxlen));
  const T = windowLength(longest, maxlen, bucketing);
  const users = new Int32Array(B);
  const seq = new Int32Array(B * T);
  const targets = new Int32Array(B);
  const rel = p.keys !== null ? new Int32Array(B * T * T) : null;
  const seen: Int32Array[] = new Array(B);
  for (let i = 0; i < B; i++) {
    const r = rows[i];
    const o = p.offsets[r];
    const L = p.trainLength[r] + extra; // input length
    const n = Math.min(L, maxlen);
    users[i] = p.users[r];
    seq.set(p.items.subarray(o + L - n, o + L), i * T + (T - n));
    targets[i] = p.items[o + L];
    seen[i] = p.items.slice(o, o + L);
    if (rel !== null && p.keys !== null) fillTimeIntervals(rel, i * T * T, T, p.keys, o + L - n, n, p.divisor, p.span);
  }
  return { users, size: B, length: T, seq, rel, targets, seen };
}
