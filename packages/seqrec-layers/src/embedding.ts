/**
 * A lookup table `[rows, d]`. With `paddingZero`, row 0 is the padding row: it starts at zero
 * and lookups of id 0 return zeros and pass no gradient, so it stays zero through training.
 * The gradient of the lookup is a scatter-add (the runtime's UnsortedSegmentSum kernel).
 */
import { tf } from '@seqrec/runtime';
import { initialize, type Initializer } from './initializers';
import { Layer } from './layer';

export interface EmbeddingConfig {
  name: string;
  rows: number;
  dim: number;
  /** Row 0 is padding (zero, no gradient). Default false. */
  paddingZero?: boolean;
  /** Default 'xavierNormal'. */
  initializer?: Initializer;
  seed: number;
}

export class Embedding extends Layer {
  readonly table: tf.Variable; // [rows, d]
  readonly paddingZero: boolean;

  constructor(config: EmbeddingConfig) {
    super(config.name);
    this.paddingZero = config.paddingZero ?? false;
    const initial = initialize(config.initializer ?? 'xavierNormal', [config.rows, config.dim], config.seed);
    this.table = this.addWeight('', this.paddingZero ? zeroFirstRow(initial) : initial);
  }

  /**
   * ids: int32 of any shape [...] -> [..., d]. `table` stands in for this layer's table when
   * given (sparse training passes the rows a step touches, the ids renumbered to index them).
   */
  apply(ids: tf.Tensor, table: tf.Tensor = this.table): tf.Tensor {
    const rows = tf.gather(table, ids); // [..., d]
    if (!this.paddingZero) return rows;
    return tf.mul(rows, tf.expandDims(tf.cast(tf.notEqual(ids, 0), 'float32'), -1));
  }
}

function zeroFirstRow(table: tf.Tensor2D): tf.Tensor2D {
  const zeroed = tf.tidy(() => tf.concat([tf.zeros([1, table.shape[1]]), table.slice([1, 0])], 0));
  table.dispose();
  return zeroed as tf.Tensor2D;
}
