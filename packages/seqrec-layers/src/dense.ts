/**
 * A fully connected layer `y = x W + b` on the last axis; `W` is `[in, out]` as in the spec.
 *
 * The gradient is written out (dx = dy W^T, dW = x^T dy, db = sum dy) so the backward pass
 * keeps only x and W: tfjs's autodiff would also keep the matmul output and the reshapes
 * around it, five [B*T, d] tensors per layer held until backward.
 */
import { tf } from '@seqrec/runtime';
import { columnSum } from './columnSum';
import { xavierUniform } from './initializers';
import { Layer } from './layer';
import { reshapeView } from './reshapeView';

export interface DenseConfig {
  name: string;
  inputDim: number;
  outputDim: number;
  /** Seed of the kernel's Xavier-uniform init. */
  seed: number;
}

/** rows [N, in], kernel [in, out], bias [out] -> [N, out] */
const linear = tf.customGrad((rows, kernel, bias, save) => {
  const x = rows as tf.Tensor2D;
  const w = kernel as tf.Tensor2D;
  (save as tf.GradSaveFunc)([x, w]);
  return {
    value: tf.add(tf.matMul(x, w), bias as tf.Tensor1D),
    gradFunc: (dy, [savedX, savedW]) => [
      tf.matMul(dy as tf.Tensor2D, savedW, false, true), // [N, in]
      tf.matMul(savedX, dy as tf.Tensor2D, true, false), // [in, out]
      columnSum(dy as tf.Tensor2D), // [out]
    ],
  };
}) as (rows: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D) => tf.Tensor2D;

export class Dense extends Layer {
  readonly kernel: tf.Variable; // [in, out]
  readonly bias: tf.Variable; // [out]

  constructor(readonly config: DenseConfig) {
    super(config.name);
    this.kernel = this.addWeight('kernel', xavierUniform([config.inputDim, config.outputDim], config.seed));
    this.bias = this.addWeight('bias', tf.zeros([config.outputDim]));
  }

  /** x: [..., in] -> [..., out] */
  apply(x: tf.Tensor): tf.Tensor {
    const shape = x.shape;
    const rows = reshapeView(x, [-1, this.config.inputDim]) as tf.Tensor2D; // [N, in]
    const y = linear(rows, this.kernel as tf.Tensor2D, this.bias as tf.Tensor1D); // [N, out]
    return reshapeView(y, [...shape.slice(0, -1), this.config.outputDim]);
  }
}
