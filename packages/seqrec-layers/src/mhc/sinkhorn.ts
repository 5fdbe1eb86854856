/**
 * Sinkhorn-Knopp projection onto (nearly) doubly stochastic matrices
 * (shared/spec/MODEL.md §mHC, fixture shared/fixtures/sinkhorn.json):
 * `M = exp(L)`, then `iters` times: divide each row by its sum, then each column by its sum.
 *
 * mHC runs it on a tiny n x n matrix per token (B*T of them, 20 iterations). As tfjs ops that is
 * ~40 launches of [B*T, n, n] kernels forward and more backward, each too small to use the
 * hardware. Here the forward and the backward are plain loops over each token's n x n block in
 * float64 JavaScript (the same on every backend), and the backward pass keeps nothing but the
 * logits: it reruns one token's iterations, keeping only their sums, and walks them back. For a
 * normalisation y = x / s (s the sum of x along the axis):
 *   dx = (dy - sum(dy * y)) / s      (sums along the same axis)
 * Each line is scaled by one reciprocal (a division costs ~4x a multiplication and the loops
 * are bound by them).
 *
 * The row maximum is subtracted before `exp`: the first row normalisation cancels any per-row
 * constant, so the result (and its gradient) is the same and `exp` cannot overflow.
 */
import { tf } from '@seqrec/runtime';
import { SinkhornBlock } from './sinkhornBlock';
import { SinkhornBlock4 } from './sinkhornBlock4';

/** The fastest block for n: unrolled for 4, generic otherwise. */
export function sinkhornBlock(n: number, iters: number): SinkhornBlock {
  return n === 4 ? new SinkhornBlock4(iters) : new SinkhornBlock(n, iters);
}
/** logits: [..., n, n] -> [..., n, n]; columns sum to 1 exactly, rows approximately. */
export function sinkhornKnopp(logits: tf.Tensor, iters: number): tf.Tensor {
  const n = logits.shape[logits.shape.length - 1];
  if (logits.shape[logits.shape.length - 2] !== n) {
    throw new RangeError(`sinkhornKnopp: logits must be [..., n, n], got [${logits.shape.join(', ')}]`);
  }
  const size = n * n;
  const project = tf.customGrad((input, save) => {
    const x = input as tf.Tensor;
    (save as tf.GradSaveFunc)([x]);
    const block = sinkhornBlock(n, iters);
    const values = x.dataSync() as Float32Array;
    const out = new Float32Array(x.size);
    for (let o = 0; o < values.length; o += size) {
      for (let e = 0; e < size; e++) block.m[e] = values[o + e];
      block.forward();
      for (let e = 0; e < size; e++) out[o + e] = block.m[e];
    }
    return {
      value: tf.tensor(out, x.shape, 'float32'),
      gradFunc: (dy, [saved]) => {
        const dyValues = (dy as tf.Tensor).dataSync() as Float32Array;
        const savedValues = saved.dataSync() as Float32Array;
        const dLogits = new Float32Array(saved.size);
        for (let o = 0; o < savedValues.length; o += size) {
          for (let e = 0; e < size; e++) block.m[e] = savedValues[o + e];
          block.forward();
          for (let e = 0; e < size; e++) block.g[e] = dyValues[o + e];
          block.backward();
          for (let e = 0; e < size; e++) dLogits[o + e] = block.g[e];
        }
        return tf.tensor(dLogits, saved.shape, 'float32');
      },
    };
  });
  return project(logits.toFloat());
}
