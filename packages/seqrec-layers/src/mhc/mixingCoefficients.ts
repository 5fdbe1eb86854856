/**
 * mHC's per-token mixing coefficients from the projection `p = xn [phi_pre | phi_post | phi_res]`
 * (shared/spec/MODEL.md §mHC):
 *
 *   gate:      H = scale * sigmoid(alpha * p[:, c:c+n] + b)                Hpre (scale 1), Hpost (scale 2)
 *   residual:  H = Sinkhorn(alpha * reshape(p[:, c:c+n*n], n, n) + b)      Hres
 *
 * Each reads its columns of the fused projection directly and is one loop over the tokens with
 * a hand-written gradient. As tfjs ops, the split of p (and the concat of its gradient), the
 * broadcast scale-and-shift and the sigmoid are a dozen kernels over [N, .] tensors per
 * sublayer whose launches and copies cost more than this arithmetic.
 *
 * Gradients (dz = dL/dz for the pre-activation z = alpha * p + b):
 *   dp = alpha * dz (in the op's columns, 0 elsewhere), dalpha = sum(dz * p), db = sum_tokens dz
 */
import { tf } from '@seqrec/runtime';
import { sinkhornBlock } from './sinkhorn';

/** The op's columns [column, column + width) of every row of the projection. */
interface Columns {
  projected: tf.Tensor2D; // [N, stride]
  column: number;
  width: number;
}

/** Applies `perToken` to the pre-activations and wires the shared gradient bookkeeping. */
function coefficientOp(
  { projected, column, width }: Columns,
  alpha: tf.Tensor,
  bias: tf.Tensor,
  outShape: number[],
  forward: (z: Float64Array, out: Float32Array, o: number) => void,
  backward: (z: Float64Array, dOut: Float32Array, o: number, dz: Float64Array) => void,
): tf.Tensor {
  const op = tf.customGrad((pInput, alphaInput, biasInput) => {
    const [tokens, stride] = (pInput as tf.Tensor2D).shape;
    const p = (pInput as tf.Tensor).dataSync() as Float32Array;
    const a = (alphaInput as tf.Tensor).dataSync()[0];
    const b = (biasInput as tf.Tensor).dataSync() as Float32Array;
    const z = new Float64Array(width);
    const preActivation = (t: number): Float64Array => {
      const row = t * stride + column;
      for (let e = 0; e < width; e++) z[e] = a * p[row + e] + b[e];
      return z;
    };
    const out = new Float32Array(tokens * width);
    for (let t = 0; t < tokens; t++) forward(preActivation(t), out, t * width);
    return {
      value: tf.tensor(out, outShape, 'float32'),
      gradFunc: (dy) => {
        const dOut = (dy as tf.Tensor).dataSync() as Float32Array;
        const dp = new Float32Array(tokens * stride);
        const db = new Float64Array(width);
        const dz = new Float64Array(width);
        let dAlpha = 0;
        for (let t = 0; t < tokens; t++) {
          backward(preActivation(t), dOut, t * width, dz);
          const row = t * stride + column;
          for (let e = 0; e < width; e++) {
            dp[row + e] = a * dz[e];
            dAlpha += dz[e] * p[row + e];
            db[e] += dz[e];
          }
        }
        return [
          tf.tensor(dp, [tokens, stride], 'float32'),
          tf.scalar(dAlpha, 'float32'),
          tf.tensor(Float32Array.from(db), (biasInput as tf.Tensor).shape, 'float32'),
        ];
      },
    };
  });
  return op(projected, alpha, bias);
}

/** Hpre / Hpost: p [N, stride] -> [N, n], scale * sigmoid(alpha * p[:, column:column+n] + b). */
export function gateCoefficients(
  projected: tf.Tensor2D,
  column: number,
  alpha: tf.Tensor,
  bias: tf.Tensor1D,
  scale: number,
): tf.Tensor2D {
  const n = bias.shape[0];
  const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
  return coefficientOp(
    { projected, column, width: n },
    alpha,
    bias,
    [projected.shape[0], n],
    (z, out, o) => {
      for (let e = 0; e < n; e++) out[o + e] = scale * sigmoid(z[e]);
    },
    (z, dOut, o, dz) => {
      for (let e = 0; e < n; e++) {
        const s = sigmoid(z[e]);
        dz[e] = dOut[o + e] * scale * s * (1 - s);
      }
    },
  ) as tf.Tensor2D;
}

/** Hres: p [N, stride] -> [N, n, n], Sinkhorn(alpha * reshape(p[:, column:column+n*n], n, n) + b). */
export function residualCoefficients(
  projected: tf.Tensor2D,
  column: number,
  alpha: tf.Tensor,
  bias: tf.Tensor2D,
  iters: number,
): tf.Tensor3D {
  const n = bias.shape[0];
  const size = n * n;
  const block = sinkhornBlock(n, iters);
  return coefficientOp(
    { projected, column, width: size },
    alpha,
    bias,
    [projected.shape[0], n, n],
    (z, out, o) => {
      block.m.set(z);
      block.forward();
      for (let e = 0; e < size; e++) out[o + e] = block.m[e];
    },
    (z, dOut, o, dz) => {
      block.m.set(z);
      block.forward();
      for (let e = 0; e < size; e++) block.g[e] = dOut[o + e];
      block.backward();
      dz.set(block.g);
    },
  ) as tf.Tensor3D;
}
