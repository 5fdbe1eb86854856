/** A fully connected layer `y = x W + b` on the last axis; `W` is `[in, out]` as in the spec. */
import { tf } from '@seqrec/runtime';
import { xavierUniform } from './initializers';
import { Layer } from './layer';

export interface DenseConfig {
  name: string;
  inputDim: number;
  outputDim: number;
  /** Seed of the kernel's Xavier-uniform init. */
  seed: number;
}

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
    const rows = x.reshape([-1, this.config.inputDim]); // [N, in]
    const y = tf.add(tf.matMul(rows, this.kernel), this.bias); // [N, out]
    return y.reshape([...shape.slice(0, -1), this.config.outputDim]);
  }
}
