/**
 * `UnsortedSegmentSum` for the cpu and wasm backends.
 *
 * tfjs's gradient of `gather` (every embedding lookup) is `unsortedSegmentSum(dy, indices, V)`.
 * The wasm backend has no such kernel, and the cpu backend's builds a `[rows, V]` one-hot
 * comparison, which for an item embedding (25,600 rows x 3,500 items x d) costs minutes and
 * gigabytes per step. This is the plain scatter-add: O(rows x d) time, no temporaries.
 *
 *   x:          [N, ...rest]   values to sum
 *   segmentIds: [N]            int32 target row; ids outside [0, numSegments) are dropped
 *   output:     [numSegments, ...rest]
 */
import { tf } from '../tf';

type Backend = tf.KernelBackend;
type TypedArray = Float32Array | Int32Array | Uint8Array;

/** How a backend exposes tensor storage: read a tensor, allocate an output to fill in place. */
export interface KernelStorage {
  read(backend: Backend, t: tf.TensorInfo): TypedArray;
  allocate(backend: Backend, shape: number[], dtype: tf.DataType): { info: tf.TensorInfo; values: TypedArray };
}

export function segmentSumInto(
  x: TypedArray,
  segmentIds: TypedArray,
  rowSize: number,
  numSegments: number,
  out: TypedArray,
): void {
  out.fill(0);
  const rows = segmentIds.length;
  for (let r = 0; r < rows; r++) {
    const segment = segmentIds[r];
    if (segment < 0 || segment >= numSegments) continue;
    const src = r * rowSize;
    const dst = segment * rowSize;
    for (let c = 0; c < rowSize; c++) out[dst + c] += x[src + c];
  }
}

export function makeUnsortedSegmentSumKernel(storage: KernelStorage): tf.KernelFunc {
  return ({ inputs, attrs, backend }) => {
    const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
    const numSegments = (attrs as unknown as { numSegments: number }).numSegments;
    const idCount = tf.util.sizeFromShape(segmentIds.shape);
    const rowSize = idCount === 0 ? 0 : tf.util.sizeFromShape(x.shape) / idCount;
    tf.util.assert(
      Number.isInteger(rowSize),
      () => `unsortedSegmentSum: x ${JSON.stringify(x.shape)} does not split into ${idCount} segment rows`,
    );
    const outShape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
    const { info, values } = storage.allocate(backend as Backend, outShape, x.dtype);
    segmentSumInto(
      storage.read(backend as Backend, x),
      storage.read(backend as Backend, segmentIds),
      rowSize,
      numSegments,
      values,
    );
    return info;
  };
}
