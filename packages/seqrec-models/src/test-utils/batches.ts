/** Small random left-padded batches for model tests (seeded, so failures reproduce). */
import { tf } from '@seqrec/runtime';

export interface RawBatch {
  seq: number[][];
  pos: number[][];
  neg: number[][];
  rel: number[][][];
}

/** A tiny deterministic generator (tests only). */
export function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** B rows of length T, row b holding lengths[b] real items at the right. */
export function randomBatch(lengths: number[], T: number, numItems: number, timeSpan: number, seed: number): RawBatch {
  const random = lcg(seed);
  const item = () => 1 + Math.floor(random() * numItems);
  const seq: number[][] = [];
  const pos: number[][] = [];
  const neg: number[][] = [];
  const rel: number[][][] = [];
  for (const length of lengths) {
    const pad = T - length;
    seq.push(Array.from({ length: T }, (_, t) => (t < pad ? 0 : item())));
    pos.push(Array.from({ length: T }, (_, t) => (t < pad ? 0 : item())));
    neg.push(Array.from({ length: T }, (_, t) => (t < pad ? 0 : item())));
    const times = Array.from({ length: T }, () => Math.floor(random() * 3 * timeSpan));
    rel.push(times.map((ti) => times.map((tj) => Math.min(Math.abs(ti - tj), timeSpan))));
  }
  return { seq, pos, neg, rel };
}

/** Keeps the last `T` columns (and the matching [T, T] corner of rel). */
export function trimBatch(batch: RawBatch, T: number): RawBatch {
  const from = batch.seq[0].length - T;
  return {
    seq: batch.seq.map((row) => row.slice(from)),
    pos: batch.pos.map((row) => row.slice(from)),
    neg: batch.neg.map((row) => row.slice(from)),
    rel: batch.rel.map((m) => m.slice(from).map((row) => row.slice(from))),
  };
}

export function toTensors(batch: RawBatch) {
  return {
    seq: tf.tensor2d(batch.seq, undefined, 'int32'),
    pos: tf.tensor2d(batch.pos, undefined, 'int32'),
    neg: tf.tensor2d(batch.neg, undefined, 'int32'),
    rel: tf.tensor3d(batch.rel, undefined, 'int32'),
  };
}

export function disposeBatch(batch: ReturnType<typeof toTensors>): void {
  tf.dispose([batch.seq, batch.pos, batch.neg, batch.rel]);
}

/** A packed batch: several users per row, `segments` numbering each column's user slot (0 = padding). */
export interface PackedRawBatch extends RawBatch {
  segments: number[][];
}

/**
 * Packs the users (rows) of a one-user-per-row batch side by side: `rows[r]` lists the users of
 * packed row r, left to right; rows are right-aligned in a window of T. Each user keeps its own
 * real items, targets, negatives and interval block.
 */
export function packUsers(batch: RawBatch, rows: number[][], T: number): PackedRawBatch {
  const width = batch.seq[0].length;
  const realLength = (user: number) => batch.seq[user].filter((id) => id !== 0).length;
  const out: PackedRawBatch = { seq: [], pos: [], neg: [], rel: [], segments: [] };
  for (const users of rows) {
    const total = users.reduce((n, u) => n + realLength(u), 0);
    const seq = new Array(T).fill(0);
    const pos = new Array(T).fill(0);
    const neg = new Array(T).fill(0);
    const segments = new Array(T).fill(0);
    const rel = Array.from({ length: T }, () => new Array(T).fill(0));
    let column = T - total;
    users.forEach((user, slot) => {
      const n = realLength(user);
      const from = width - n;
      for (let k = 0; k < n; k++) {
        seq[column + k] = batch.seq[user][from + k];
        pos[column + k] = batch.pos[user][from + k];
        neg[column + k] = batch.neg[user][from + k];
        segments[column + k] = slot + 1;
        for (let j = 0; j < n; j++) rel[column + k][column + j] = batch.rel[user][from + k][from + j];
      }
      column += n;
    });
    out.seq.push(seq);
    out.pos.push(pos);
    out.neg.push(neg);
    out.rel.push(rel);
    out.segments.push(segments);
  }
  return out;
}
