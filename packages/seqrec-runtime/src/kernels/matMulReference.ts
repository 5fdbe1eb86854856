/**
 * Float64 reference of the kernel's batched matmul, on plain arrays: what the start-up
 * self-test compares the WebAssembly kernel against.
 */
export function matMulReference(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  batch: number,
  m: number,
  n: number,
  k: number,
  transA: boolean,
  transB: boolean,
  aBatch: number,
  bBatch: number,
): Float64Array {
  const out = new Float64Array(batch * m * n);
  for (let q = 0; q < batch; q++) {
    const a0 = q * aBatch;
    const b0 = q * bBatch;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let p = 0; p < k; p++) {
          const x = transA ? a[a0 + p * m + i] : a[a0 + i * k + p];
          const y = transB ? b[b0 + j * k + p] : b[b0 + p * n + j];
          sum += x * y;
        }
        out[(q * m + i) * n + j] = sum;
      }
    }
  }
  return out;
}

/** Largest |got - want| / (1 + |want|); float32 accumulation over k stays far below 1e-4. */
export function maxRelativeError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  if (got.length !== want.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i] - want[i]) / (1 + Math.abs(want[i]));
    // NaN compares false, so it must be caught explicitly.
    if (!(err <= worst)) worst = Number.isNaN(err) ? Infinity : err;
  }
  return worst;
}
