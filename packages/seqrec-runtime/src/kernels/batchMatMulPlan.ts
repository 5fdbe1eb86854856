/**
 * Shape logic of `BatchMatMul` for the WebAssembly kernel: sizes, output shape and how the batch
 * maps onto the kernel's strides. Pure, so it is tested without a backend.
 *
 * Supported batching: equal batch sizes, or one side with batch 1 (broadcast). Anything else
 * tfjs allows (e.g. [3,1] x [1,3] outer dims) returns null and goes to the stock kernel.
 */
import { tf } from '../tf';

export interface BatchMatMulPlan {
  outShape: number[];
  batch: number;
  m: number;
  n: number;
  k: number;
  /** Elements between batch items of A / B in the kernel call; 0 repeats one matrix. */
  aBatch: number;
  bBatch: number;
  transA: boolean;
  transB: boolean;
  /**
   * True when a batch of A matrices times one broadcast B became one tall [batch*m, k] product:
   * the kernel's rows then run across matrices, so no per-matrix structure (a causal triangle)
   * holds for them.
   */
  folded: boolean;
}

export function planBatchMatMul(
  aShape: number[],
  bShape: number[],
  transA: boolean,
  transB: boolean,
): BatchMatMulPlan | null {
  const aRank = aShape.length;
  const bRank = bShape.length;
  if (aRank < 2 || bRank < 2) return null;
  const m = transA ? aShape[aRank - 1] : aShape[aRank - 2];
  const k = transA ? aShape[aRank - 2] : aShape[aRank - 1];
  const kB = transB ? bShape[bRank - 1] : bShape[bRank - 2];
  const n = transB ? bShape[bRank - 2] : bShape[bRank - 1];
  tf.util.assert(
    k === kB,
    () =>
      `Error in matMul: inner shapes (${k}) and (${kB}) of Tensors with shapes ${aShape} and ${bShape} ` +
      `and transposeA=${transA} and transposeB=${transB} must match.`,
  );
  const outer = tf.broadcast_util.assertAndGetBroadcastShape(aShape.slice(0, -2), bShape.slice(0, -2));
  const batchA = tf.util.sizeFromShape(aShape.slice(0, -2));
  const batchB = tf.util.sizeFromShape(bShape.slice(0, -2));
  const batch = tf.util.sizeFromShape(outer);
  if (!(batchA === batchB || batchA === 1 || batchB === 1) || batch !== Math.max(batchA, batchB)) return null;
  const outShape = [...outer, m, n];
  if (batch > 1 && batchB === 1 && batchA === batch && !transA) {
    // Rows of consecutive A matrices are contiguous: one [batch*m, k] product, B packed once.
    return { outShape, batch: 1, m: batch * m, n, k, aBatch: 0, bBatch: 0, transA, transB, folded: true };
  }
  return {
    outShape,
    batch,
    m,
    n,
    k,
    aBatch: batchA === 1 ? 0 : m * k,
    bBatch: batchB === 1 ? 0 : k * n,
    transA,
    transB,
    folded: false,
  };
}
