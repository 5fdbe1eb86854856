/**
 * Seeded synthetic batches for timing: random item ids, left-padded random lengths in
 * [min(20, T), T] (as the PyTorch reference measurements), random timestamps and their clipped
 * interval matrices for TiSASRec. Host arrays in the sampler's `TrainBatch` layout, so a step
 * runs through the trainer's own `trainStep`.
 */
import type { TrainBatch } from '@seqrec/data';

/** A small LCG: the same input for every backend and run. */
export function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

export interface SyntheticSizes {
  /** B. */
  users: number;
  /** T. */
  maxlen: number;
  /** V: ids are drawn from 1..V. */
  numItems: number;
  /** S: intervals are clipped to 0..S; null for SASRec (no `rel`). */
  timeSpan: number | null;
}

/** One full-window training batch of random sequences. */
export function syntheticBatch(s: SyntheticSizes, random: () => number): TrainBatch {
  const { users: B, maxlen: T, numItems: V } = s;
  const seq = new Int32Array(B * T);
  const pos = new Int32Array(B * T);
  const neg = new Int32Array(B * T);
  const rel = s.timeSpan === null ? null : new Int32Array(B * T * T);
  const minLength = Math.min(20, T);
  const item = () => 1 + Math.floor(random() * V);
  const times = new Float64Array(T);
  for (let b = 0; b < B; b++) {
    const length = minLength + Math.floor(random() * (T - minLength + 1));
    times.fill(0);
    for (let t = T - length; t < T; t++) {
      seq[b * T + t] = item();
      pos[b * T + t] = item();
      neg[b * T + t] = item();
      times[t] = Math.floor(random() * 4 * (s.timeSpan ?? 1));
    }
    if (rel !== null && s.timeSpan !== null) {
      for (let i = 0; i < T; i++) {
        for (let j = 0; j < T; j++)
          rel[(b * T + i) * T + j] = Math.min(Math.abs((times[i] as number) - (times[j] as number)), s.timeSpan);
      }
    }
  }
  const users = new Int32Array(B).map((_, i) => i + 1);
  return { users, size: B, length: T, seq, pos, neg, rel, segments: null };
}

/** `count` random candidate ids per user ([B * count], row-major). */
export function syntheticCandidates(users: number, count: number, numItems: number, random: () => number): Int32Array {
  const out = new Int32Array(users * count);
  for (let i = 0; i < out.length; i++) out[i] = 1 + Math.floor(random() * numItems);
  return out;
}
