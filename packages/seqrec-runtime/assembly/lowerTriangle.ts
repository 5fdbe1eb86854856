/**
 * Gather and scatter-add over the lower triangle (j <= i) of a [squares, T, T] int32 index,
 * compiled by AssemblyScript (`npm run build:kernels`); the TypeScript kernels of
 * src/kernels/lowerTriangle.ts, element for element and in the same order (so a scatter-add
 * sums in the same order and gives the same bits). Runs on the tfjs-backend-wasm heap under
 * the rules of batchMatMul.ts: every pointer is a byte offset the caller allocated there.
 *
 * Each returns -1, or the flat position of the first index value outside [0, size), for the
 * caller's error message (what was written before it is then garbage, and the caller throws).
 */

/** out[., i, j] = source[index[., i, j]] for j <= i, 0 above the diagonal. */
export function gather(source: usize, size: i32, index: usize, out: usize, squares: i32, t: i32): i32 {
  for (let square = 0; square < squares; square++) {
    for (let i = 0; i < t; i++) {
      const row = (square * t + i) * t;
      const ids = index + ((<usize>row) << 2);
      const to = out + ((<usize>row) << 2);
      for (let j = 0; j <= i; j++) {
        const id = load<i32>(ids + ((<usize>j) << 2));
        if (<u32>id >= <u32>size) return row + j;
        store<f32>(to + ((<usize>j) << 2), load<f32>(source + ((<usize>id) << 2)));
      }
      memory.fill(to + ((<usize>(i + 1)) << 2), 0, (<usize>(t - i - 1)) << 2);
    }
  }
  return -1;
}

/** out[c] = sum of values[., i, j] over j <= i with index[., i, j] = c; out has `size` floats. */
export function scatter(values: usize, index: usize, out: usize, size: i32, squares: i32, t: i32): i32 {
  memory.fill(out, 0, (<usize>size) << 2);
  for (let square = 0; square < squares; square++) {
    for (let i = 0; i < t; i++) {
      const row = (square * t + i) * t;
      const ids = index + ((<usize>row) << 2);
      const from = values + ((<usize>row) << 2);
      for (let j = 0; j <= i; j++) {
        const id = load<i32>(ids + ((<usize>j) << 2));
        if (<u32>id >= <u32>size) return row + j;
        const cell = out + ((<usize>id) << 2);
        store<f32>(cell, load<f32>(cell) + load<f32>(from + ((<usize>j) << 2)));
      }
    }
  }
  return -1;
}

/**
 * out [B, h, T, T] int32 = ((head * B + b) * T + i) * buckets + min(max(rel[b, i, j], 0), buckets - 1)
 * for rel [B, T, T] int32: every head's cell of a [h, B, T, buckets] table (TiSASRec's interval
 * buckets; @seqrec/layers timeIntervalAttention.ts).
 */
export function headBucketIndex(rel: usize, out: usize, batch: i32, heads: i32, t: i32, buckets: i32): void {
  const last = buckets - 1;
  for (let b = 0; b < batch; b++) {
    for (let head = 0; head < heads; head++) {
      for (let i = 0; i < t; i++) {
        const base = ((head * batch + b) * t + i) * buckets;
        const from = rel + ((<usize>((b * t + i) * t)) << 2);
        const to = out + ((<usize>(((b * heads + head) * t + i) * t)) << 2);
        for (let j = 0; j < t; j++) {
          const interval = load<i32>(from + ((<usize>j) << 2));
          store<i32>(to + ((<usize>j) << 2), base + (interval < 0 ? 0 : interval > last ? last : interval));
        }
      }
    }
  }
}
