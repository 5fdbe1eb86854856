/**
 * The rows of a training batch that have a target (pos != 0), gathered out of the padded
 * [B, T] layout, so the losses beyond BCE compute nothing for padding: packed and random
 * batches give the same per-position terms, and the mean runs over target positions only.
 */
import { tf } from '@seqrec/runtime';

export interface TargetRows {
  /** Flat indices b*T + t of the target positions, in row-major order (host copy). */
  indices: Int32Array;
  /** [M, d] features at the target positions. */
  features: tf.Tensor2D;
  /** [M] int32 target item ids (all >= 1). */
  targets: tf.Tensor1D;
}

/** Host indices of the nonzero entries of `pos` [B, T] (a synchronous read of a small int tensor). */
export function targetIndices(pos: tf.Tensor2D): Int32Array {
  const ids = pos.dataSync() as Int32Array;
  let m = 0;
  for (let i = 0; i < ids.length; i++) if (ids[i] !== 0) m++;
  const out = new Int32Array(m);
  let k = 0;
  for (let i = 0; i < ids.length; i++) if (ids[i] !== 0) out[k++] = i;
  return out;
}

/** features [B, T, d], pos [B, T] -> the target rows. Call inside a tidy. */
export function targetRows(features: tf.Tensor3D, pos: tf.Tensor2D): TargetRows {
  const [B, T, d] = features.shape;
  const indices = targetIndices(pos);
  const at = tf.tensor1d(indices, 'int32'); // [M]
  return {
    indices,
    features: tf.gather(features.reshape([B * T, d]), at) as tf.Tensor2D, // [M, d]
    targets: tf.gather(pos.reshape([B * T]), at) as tf.Tensor1D, // [M]
  };
}

/** values [B, T, ...] -> [M, ...], the entries at the given flat indices b*T + t. Call inside a tidy. */
export function gatherTargets(values: tf.Tensor, indices: Int32Array): tf.Tensor {
  const [B, T, ...rest] = values.shape as number[];
  return tf.gather(values.reshape([(B as number) * (T as number), ...rest]), tf.tensor1d(indices, 'int32'));
}
