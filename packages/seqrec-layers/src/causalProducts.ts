/**
 * The two T x T products of causal attention (shared/spec/MODEL.md §Attn), with gradients whose
 * products skip what the causal mask makes zero: query i reads keys j <= i only, so the scores
 * above the diagonal are masked, the weights there are 0 and so is their gradient. On wasm the
 * kernel then does about half the work of a dense product (runtime triangularMatMul); on other
 * backends these are plain matMuls.
 *
 * Exact for every query that attends to at least one key. A query with none (a padding position:
 * every key masked) has uniform weights over all T keys, of which `P V` here sums only those up to
 * its row tile's diagonal. Its output is a padding row, which the block zeroes (`X * mask`), and
 * its output gradient is 0, so no real feature, loss or gradient differs (causalProducts.test.ts
 * compares them bit for bit; the fixtures pass on wasm).
 *
 * Letters: B batch, h heads, T window, dh head size.
 */
import { TRIANGLE, tf, triangularMatMul } from '@seqrec/runtime';

type Product = (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

/** The op (a, b) -> forward(a, b) whose gradients are gradients(dy, a, b); it saves its two inputs only. */
function productWithGradients(forward: Product, gradients: (dy: tf.Tensor, a: tf.Tensor, b: tf.Tensor) => tf.Tensor[]) {
  return tf.customGrad(((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [a, b, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([a, b]);
    return {
      value: forward(a, b),
      gradFunc: (dy: tf.Tensor, [savedA, savedB]: tf.Tensor[]) => gradients(dy, savedA, savedB),
    };
  }) as Parameters<typeof tf.customGrad>[0]);
}

const scores = productWithGradients(
  (q, k) => triangularMatMul(q, k, false, true, TRIANGLE.lowerOutput),
  (dS, q, k) => [
    triangularMatMul(dS, k, false, false, TRIANGLE.lowerA), // dQ = dS K: dS is 0 above the diagonal
    triangularMatMul(dS, q, true, false, TRIANGLE.upperA), // dK = dS^T Q
  ],
);

const weightedValues = productWithGradients(
  (w, v) => triangularMatMul(w, v, false, false, TRIANGLE.lowerA),
  (dO, w, v) => [
    triangularMatMul(dO, v, false, true, TRIANGLE.lowerOutput), // dW = dO V^T: only j <= i is read
    triangularMatMul(w, dO, true, false, TRIANGLE.upperA), // dV = W^T dO
  ],
);

/** q [B, h, T, dh], k [B, h, T, dh] -> q k^T [B, h, T, T]; entries above the diagonal may be 0. */
export function causalScores(q: tf.Tensor4D, k: tf.Tensor4D): tf.Tensor4D {
  return scores(q, k) as tf.Tensor4D;
}

/** weights [B, h, T, T] (0 above the diagonal), v [B, h, T, dh] -> weights v [B, h, T, dh]. */
export function causalWeightedValues(weights: tf.Tensor4D, v: tf.Tensor4D): tf.Tensor4D {
  return weightedValues(weights, v) as tf.Tensor4D;
}
