/**
 * LayerNorm over the last axis with biased variance (shared/spec/MODEL.md §Block):
 * `(x - mean) / sqrt(var + eps) * gamma + beta`.
 *
 * The gradient is written out so the backward pass keeps only x-hat and 1/std; through tfjs's
 * autodiff, moments and the affine map keep about eight [B, T, d] tensors per LayerNorm:
 *   dx = rstd * (g - mean(g) - xhat * mean(g * xhat)),  g = dy * gamma
 */
import { layerNormBackward, layerNormForward, layerNormKernelsActive, tf } from '@seqrec/runtime';
import { columnSum } from './columnSum';
import { Layer } from './layer';
import { reshapeView } from './reshapeView';

export interface LayerNormConfig {
  name: string;
  dim: number;
  /** Default 1e-8, as the spec (PyTorch's default would be 1e-5). */
  eps?: number;
}

/**
 * x [N, d], gamma [d], beta [d] -> [N, d], in two fused kernels where the backend has them
 * (runtime layerNormForward / layerNormBackward: the same math, one pass each).
 */
function fusedLayerNorm(eps: number) {
  return tf.customGrad((input, gammaInput, betaInput, save) => {
    const gamma = gammaInput as tf.Tensor1D;
    const [y, xhat, rstd] = layerNormForward(input as tf.Tensor2D, gamma, betaInput as tf.Tensor1D, eps);
    (save as tf.GradSaveFunc)([xhat, rstd, gamma]);
    return {
      value: y,
      gradFunc: (dy, [savedXhat, savedRstd, savedGamma]) =>
        layerNormBackward(
          dy as tf.Tensor2D,
          savedXhat as tf.Tensor2D,
          savedRstd as tf.Tensor1D,
          savedGamma as tf.Tensor1D,
        ),
    };
  }) as (x: tf.Tensor2D, gamma: tf.Tensor1D, beta: tf.Tensor1D) => tf.Tensor2D;
}

/** x [N, d], gamma [d], beta [d] -> [N, d] as tfjs ops */
function layerNorm(eps: number) {
  return tf.customGrad((input, gammaInput, betaInput, save) => {
    const x = input as tf.Tensor2D;
    const gamma = gammaInput as tf.Tensor1D;
    const { mean, variance } = tf.moments(x, -1, true); // [N, 1]
    const rstd = tf.rsqrt(tf.add(variance, eps)); // [N, 1]
    const xhat = tf.mul(tf.sub(x, mean), rstd); // [N, d]
    (save as tf.GradSaveFunc)([xhat, rstd, gamma]);
    return {
      value: tf.add(tf.mul(xhat, gamma), betaInput as tf.Tensor1D),
      gradFunc: (dy, [savedXhat, savedRstd, savedGamma]) => {
        const g = tf.mul(dy as tf.Tensor2D, savedGamma); // [N, d]
        const meanG = tf.mean(g, -1, true); // [N, 1]
        const meanGx = tf.mean(tf.mul(g, savedXhat), -1, true); // [N, 1]
        const dx = tf.mul(savedRstd, tf.sub(tf.sub(g, meanG), tf.mul(savedXhat, meanGx)));
        return [dx, columnSum(tf.mul(dy as tf.Tensor2D, savedXhat)), columnSum(dy as tf.Tensor2D)];
      },
    };
  }) as (x: tf.Tensor2D, gamma: tf.Tensor1D, beta: tf.Tensor1D) => tf.Tensor2D;
}

export class LayerNorm extends Layer {
  readonly gamma: tf.Variable; // [d]
  readonly beta: tf.Variable; // [d]
  private readonly normalize: ReturnType<typeof layerNorm>;
  private readonly normalizeFused: ReturnType<typeof layerNorm>;

  constructor(readonly config: LayerNormConfig) {
    super(config.name);
    this.normalize = layerNorm(config.eps ?? 1e-8);
    this.normalizeFused = fusedLayerNorm(config.eps ?? 1e-8);
    this.gamma = this.addWeight('gamma', tf.ones([config.dim]));
    this.beta = this.addWeight('beta', tf.zeros([config.dim]));
  }

  /** x: [..., d] -> [..., d] */
  apply(x: tf.Tensor): tf.Tensor {
    const rows = reshapeView(x, [-1, this.config.dim]) as tf.Tensor2D; // [N, d]
    const normalize = layerNormKernelsActive() ? this.normalizeFused : this.normalize;
    return reshapeView(normalize(rows, this.gamma as tf.Tensor1D, this.beta as tf.Tensor1D), x.shape);
  }
}
