/**
 * Sinkhorn-Knopp projection onto (nearly) doubly stochastic matrices
 * (shared/spec/MODEL.md §mHC, fixture shared/fixtures/sinkhorn.json):
 * `M = exp(L)`, then `iters` times: divide each row by its sum, then each column by its sum.
 *
 * mHC runs it on a tiny n x n matrix per token (B*T of them, 20 iterations). As tfjs ops that is
 * ~40 launches of [B*T, n, n] kernels forward and more backward, each too small to use the
 * hardware: 1.2 s of a 4.5 s SASRec+mHC step. Here the forward and the backward are plain loops
 * over each token's n x n block in JavaScript (the same on every backend), and the backward pass
 * keeps nothing but the logits: it recomputes the iterates of one token into a small scratch
 * buffer and walks them back. For a normalisation y = x / s (s the sum of x along the axis):
 *   dx = (dy - sum(dy * y)) / s      (sums along the same axis)
 *
 * The row maximum is subtracted before `exp`: the first row normalisation cancels any per-row
 * constant, so the result (and its gradient) is the same and `exp` cannot overflow.
 */
import { tf } from '@seqrec/runtime';

/** Runs the iterations for one n x n block; writes every iterate into `trace` (or only the last). */
function forwardBlock(logits: Float32Array | Float64Array, offset: number, n: number, iters: number, trace: Float64Array): void {
  const size = n * n;
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let j = 0; j < n; j++) max = Math.max(max, logits[offset + i * n + j]);
    for (let j = 0; j < n; j++) trace[i * n + j] = Math.exp(logits[offset + i * n + j] - max);
  }
  // trace holds 2 * iters + 1 matrices: M0, then after each row step and each column step.
  for (let k = 0; k < 2 * iters; k++) {
    const from = k * size;
    const to = from + size;
    // Even steps normalise rows (elements a*n + b*1), odd steps columns (a*1 + b*n).
    const lineStride = k % 2 === 0 ? n : 1;
    const elementStride = k % 2 === 0 ? 1 : n;
    for (let a = 0; a < n; a++) {
      const line = a * lineStride;
      let sum = 0;
      for (let b = 0; b < n; b++) sum += trace[from + line + b * elementStride];
      const inverse = 1 / sum;
      for (let b = 0; b < n; b++) {
        const index = line + b * elementStride;
        trace[to + index] = trace[from + index] * inverse;
      }
    }
  }
}

function sinkhornForward(logits: Float32Array, n: number, iters: number): Float32Array {
  const size = n * n;
  const count = logits.length / size;
  const trace = new Float64Array((2 * iters + 1) * size);
  const out = new Float32Array(logits.length);
  const last = 2 * iters * size;
  for (let t = 0; t < count; t++) {
    forwardBlock(logits, t * size, n, iters, trace);
    for (let e = 0; e < size; e++) out[t * size + e] = trace[last + e];
  }
  return out;
}

function sinkhornBackward(logits: Float32Array, dy: Float32Array, n: number, iters: number): Float32Array {
  const size = n * n;
  const count = logits.length / size;
  const trace = new Float64Array((2 * iters + 1) * size);
  const grad = new Float64Array(size);
  const previous = new Float64Array(size);
  const dLogits = new Float32Array(logits.length);
  for (let t = 0; t < count; t++) {
    forwardBlock(logits, t * size, n, iters, trace);
    for (let e = 0; e < size; e++) grad[e] = dy[t * size + e];
    for (let k = 2 * iters - 1; k >= 0; k--) {
      const input = k * size; // x of the step y = x / s
      const output = input + size; // y
      const lineStride = k % 2 === 0 ? n : 1;
      const elementStride = k % 2 === 0 ? 1 : n;
      for (let a = 0; a < n; a++) {
        const line = a * lineStride;
        let sum = 0;
        let dot = 0;
        for (let b = 0; b < n; b++) {
          const index = line + b * elementStride;
          sum += trace[input + index];
          dot += grad[index] * trace[output + index];
        }
        const inverse = 1 / sum;
        for (let b = 0; b < n; b++) {
          const index = line + b * elementStride;
          previous[index] = (grad[index] - dot) * inverse;
        }
      }
      grad.set(previous);
    }
    for (let e = 0; e < size; e++) dLogits[t * size + e] = grad[e] * trace[e]; // d exp(L) = exp(L) dL
  }
  return dLogits;
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
    const value = tf.tensor(sinkhornForward(x.dataSync() as Float32Array, n, iters), x.shape, 'float32');
    return {
      value,
      gradFunc: (dy, [saved]) =>
        tf.tensor(sinkhornBackward(saved.dataSync() as Float32Array, (dy as tf.Tensor).dataSync() as Float32Array, n, iters), saved.shape, 'float32'),
    };
  });
  return project(logits.toFloat());
}
