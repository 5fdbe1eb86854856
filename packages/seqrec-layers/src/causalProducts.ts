/**
 * The two T x T products of causal attention (shared/spec/MODEL.md §Attn), with gradients whose
 * products skip what the causal mask makes zero: query i reads keys j <= i only, so the scores
 * above the diagonal are masked, the weights there are 0 and so is their gradient. On wasm the
 * kernel then does about half the work of a dense product (runtime triangularMatMul); on other
 * backends these are plain matMuls.
 *
 * Exact for every query that attends to at least one key. A query with none (a padding position:
 * every key masked) gets uniform weights over all T keys in the spec; here only over keys j <= i.
 * Its output is a padding row, which the block zeroes (`X * mask`), so no real feature, loss or
 * gradient differs (the fixtures check outputs and gradients on wasm).
 *
 * Letters: B batch, h heads, T window, dh head size.
 */
import { TRIANGLE, tf, triangularMatMul } from '@seqrec/runtime';

/** q [B, h, T, dh], k [B, h, T, dh] -> q k^T [B, h, T, T]; entries above the diagonal may be 0. */
export function causalScores(q: tf.Tensor4D, k: tf.Tensor4D): tf.Tensor4D {
  const op = tf.customGrad(((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [queries, keys, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    save([queries, keys]);
    return {
      value: triangularMatMul(queries, keys, false, true, TRIANGLE.lowerOutput),
      gradFunc: (dy: tf.Tensor, [savedQ, savedK]: tf.Tensor[]) => [
        triangularMatMul(dy, savedK, false, false, TRIANGLE.lowerA), // dS K: dS is 0 above the diagonal
        triangularMatMul(dy, savedQ, true, false, TRIANGLE.upperA), // dS^T Q
      ],
    };
  }) as Parameters<typeof tf.customGrad>[0]);
  return op(q, k) as tf.Tensor4D;
}

/** weights [B, h, T, T] (0 above the diagonal), v [B, h, T, dh] -> weights v [B, h, T, dh]. */
export function causalWeightedValues(weights: tf.Tensor4D, v: tf.Tensor4D): tf.Tensor4D {
  const op = tf.customGrad(((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [w, values, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    save([w, values]);
    return {
      value: triangularMatMul(w, values, false, false, TRIANGLE.lowerA),
      gradFunc: (dy: tf.Tensor, [savedW, savedV]: tf.Tensor[]) => [
        triangularMatMul(dy, savedV, false, true, TRIANGLE.lowerOutput), // dW: only j <= i is read
        triangularMatMul(savedW, dy, true, false, TRIANGLE.upperA), // W^T dO
      ],
    };
  }) as Parameters<typeof tf.customGrad>[0]);
  return op(weights, v) as tf.Tensor4D;
}
