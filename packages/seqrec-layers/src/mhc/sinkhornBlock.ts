/**
 * One token's Sinkhorn-Knopp in float64 JavaScript, forward and backward (the math and why it
 * is not tfjs ops: sinkhorn.ts).
 */
/** Scratch for one n x n block; reused for every token of a call. */
export class SinkhornBlock {
  /** In: the logits (set by the caller). Out: the projection. */
  readonly m: Float64Array;
  /** In (backward): the gradient w.r.t. the projection. Out: the gradient w.r.t. the logits. */
  readonly g: Float64Array;
  protected readonly m0: Float64Array; // exp(L - row max)
  protected readonly sums: Float64Array; // per iteration: n row sums, then n column sums

  constructor(readonly n: number, readonly iters: number) {
    this.m = new Float64Array(n * n);
    this.g = new Float64Array(n * n);
    this.m0 = new Float64Array(n * n);
    this.sums = new Float64Array(2 * n * iters);
  }

  /** Replaces the logits in `m` by their projection; keeps what `backward` needs. */
  forward(): void {
    const { n, iters, m, sums } = this;
    const size = n * n;
    this.exponentiate();
    for (let k = 0; k < iters; k++) {
      const base = 2 * n * k;
      for (let r = 0, row = 0; r < size; r += n, row++) {
        let sum = 0;
        for (let j = 0; j < n; j++) sum += m[r + j];
        sums[base + row] = sum;
        const inverse = 1 / sum;
        for (let j = 0; j < n; j++) m[r + j] *= inverse;
      }
      for (let column = 0; column < n; column++) {
        let sum = 0;
        for (let i = column; i < size; i += n) sum += m[i];
        sums[base + n + column] = sum;
        const inverse = 1 / sum;
        for (let i = column; i < size; i += n) m[i] *= inverse;
      }
    }
  }

  /**
   * After `forward`, with dL/dM in `g`: leaves dL/dlogits in `g`. Walking back, each iterate
   * is rebuilt from the next by multiplying its sums back in (exact up to float64 rounding), so
   * memory stays O(iters * n).
   */
  backward(): void {
    const { n, iters, m, g, sums } = this;
    const size = n * n;
    for (let k = iters - 1; k >= 0; k--) {
      const base = 2 * n * k;
      for (let column = 0; column < n; column++) {
        const sum = sums[base + n + column];
        const inverse = 1 / sum;
        let dot = 0;
        for (let i = column; i < size; i += n) dot += g[i] * m[i];
        for (let i = column; i < size; i += n) {
          g[i] = (g[i] - dot) * inverse;
          m[i] *= sum;
        }
      }
      for (let r = 0, row = 0; r < size; r += n, row++) {
        const sum = sums[base + row];
        const inverse = 1 / sum;
        let dot = 0;
        for (let j = 0; j < n; j++) dot += g[r + j] * m[r + j];
        for (let j = 0; j < n; j++) {
          g[r + j] = (g[r + j] - dot) * inverse;
          m[r + j] *= sum;
        }
      }
    }
    this.scaleByExponentials();
  }

  /** m = exp(m - row max), also kept in m0. */
  protected exponentiate(): void {
    const { n, m } = this;
    for (let r = 0; r < n * n; r += n) {
      let max = -Infinity;
      for (let j = 0; j < n; j++) max = Math.max(max, m[r + j]);
      for (let j = 0; j < n; j++) m[r + j] = Math.exp(m[r + j] - max);
    }
    this.m0.set(m);
  }

  /** The last step of the backward pass: d exp(L) = exp(L) dL. */
  protected scaleByExponentials(): void {
    const { g, m0 } = this;
    for (let e = 0; e < g.length; e++) g[e] *= m0[e];
  }
}
