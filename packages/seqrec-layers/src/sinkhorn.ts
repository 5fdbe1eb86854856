/**
 * Sinkhorn-Knopp projection onto (nearly) doubly stochastic matrices
 * (shared/spec/MODEL.md §mHC, fixture shared/fixtures/sinkhorn.json):
 * `M = exp(L)`, then `iters` times: divide each row by its sum, then each column by its sum.
 *
 * mHC runs it on a tiny n x n matrix per token (B*T of them, 20 iterations). As tfjs ops that is
 * ~40 launches of [B*T, n, n] kernels forward and more backward, each too small to use the
 * hardware: 1.2 s of a 4.5 s SASRec+mHC step. Here the forward and the backward are plain loops
 * over each token's n x n block in JavaScript (the same on every backend), and the backward pass
 * keeps nothing but the logits: it reruns one token's iterations, keeping only their sums, and
 * walks them back. For a normalisation y = x / s (s the sum of x along the axis):
 *   dx = (dy - sum(dy * y)) / s      (sums along the same axis)
 *
 * The row maximum is subtracted before `exp`: the first row normalisation cancels any per-row
 * constant, so the result (and its gradient) is the same and `exp` cannot overflow.
 */
import { tf } from '@seqrec/runtime';

/**
 * Runs Sinkhorn on every n x n block of `logits`. Writes the results to `out` when given; when
 * `dy` is given, also back-propagates it into `dLogits`. Only the 2n sums of each iteration are
 * kept: walking back, each iterate is rebuilt from the next by multiplying the sums back in
 * (exact up to float64 rounding), so memory stays O(iters * n) per block.
 */
function sinkhornBlocks(
  logits: Float32Array,
  n: number,
  iters: number,
  out: Float32Array | null,
  dy: Float32Array | null,
  dLogits: Float32Array | null,
): void {
  const size = n * n;
  const m = new Float64Array(size); // the current iterate
  const m0 = new Float64Array(size); // exp(L - row max)
  const g = new Float64Array(size); // gradient w.r.t. the current iterate
  const sums = new Float64Array(2 * n * iters); // per iteration: n row sums, then n column sums
  for (let o = 0; o < logits.length; o += size) {
    for (let r = 0; r < size; r += n) {
      let max = -Infinity;
      for (let j = 0; j < n; j++) max = Math.max(max, logits[o + r + j]);
      for (let j = 0; j < n; j++) m[r + j] = Math.exp(logits[o + r + j] - max);
    }
    m0.set(m);
    for (let k = 0; k < iters; k++) {
      const base = 2 * n * k;
      for (let row = 0; row < n; row++) {
        const r = row * n;
        let sum = 0;
        for (let j = 0; j < n; j++) sum += m[r + j];
        sums[base + row] = sum;
        for (let j = 0; j < n; j++) m[r + j] /= sum;
      }
      for (let column = 0; column < n; column++) {
        let sum = 0;
        for (let i = column; i < size; i += n) sum += m[i];
        sums[base + n + column] = sum;
        for (let i = column; i < size; i += n) m[i] /= sum;
      }
    }
    if (out !== null) for (let e = 0; e < size; e++) out[o + e] = m[e];
    if (dy === null || dLogits === null) continue;
    for (let e = 0; e < size; e++) g[e] = dy[o + e];
    for (let k = iters - 1; k >= 0; k--) {
      const base = 2 * n * k;
      // y = x / s along a line: dx = (dy - sum(dy * y)) / s, and x = y * s.
      for (let column = 0; column < n; column++) {
        const sum = sums[base + n + column];
        let dot = 0;
        for (let i = column; i < size; i += n) dot += g[i] * m[i];
        for (let i = column; i < size; i += n) {
          g[i] = (g[i] - dot) / sum;
          m[i] *= sum;
        }
      }
      for (let row = 0; row < n; row++) {
        const r = row * n;
        const sum = sums[base + row];
        let dot = 0;
        for (let j = 0; j < n; j++) dot += g[r + j] * m[r + j];
        for (let j = 0; j < n; j++) {
          g[r + j] = (g[r + j] - dot) / sum;
          m[r + j] *= sum;
        }
      }
    }
    for (let e = 0; e < size; e++) dLogits[o + e] = g[e] * m0[e]; // d exp(L) = exp(L) dL
  }
}

/** logits: [..., n, n] -> [..., n, n]; columns sum to 1 exactly, rows approximately. */
export function sinkhornKnopp(logits: tf.Tensor, iters: number): tf.Tensor {
  const n = logits.shape[logits.shape.length - 1];
  if (logits.shape[logits.shape.length - 2] !== n) {
    throw new RangeError(`sinkhornKnopp: logits must be [..., n, n], got [${logits.shape.join(', ')}]`);
  }
  const project = tf.customGrad((input, save) => {
    const x = input as tf.Tensor;
    (save as tf.GradSaveFunc)([x]);
    const out = new Float32Array(x.size);
    sinkhornBlocks(x.dataSync() as Float32Array, n, iters, out, null, null);
    return {
      value: tf.tensor(out, x.shape, 'float32'),
      gradFunc: (dy, [saved]) => {
        const dLogits = new Float32Array(saved.size);
        sinkhornBlocks(
          saved.dataSync() as Float32Array,
          n,
          iters,
          null,
          (dy as tf.Tensor).dataSync() as Float32Array,
          dLogits,
        );
        return tf.tensor(dLogits, saved.shape, 'float32');
      },
    };
  });
  return project(logits.toFloat());
}
