/**
 * `GatherV2` for the wasm backend in the case embeddings use: axis 0, no batch dims, float32
 * or int32 rows. The stock wasm kernel gathers element by element (about 37 ms for 25,600
 * rows of 50 floats); copying whole rows with `TypedArray.set` takes a few. Every other case
 * goes to the stock kernel.
 *
 *   x: [V, ...rest]; indices: int32 [...idx] -> [...idx, ...rest]
 */
import { tf } from '../tf';
import { wasmStorage } from './backendStorage';

export function makeGatherRowsKernel(stock: tf.KernelConfig): tf.KernelFunc {
  return (args) => {
    const { inputs, attrs, backend } = args;
    const { x, indices } = inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
    const { axis, batchDims } = attrs as unknown as { axis: number; batchDims: number };
    const rowsCase =
      axis === 0 && (batchDims ?? 0) === 0 && indices.dtype === 'int32' && x.dtype !== 'string' && x.shape.length >= 1;
    if (!rowsCase) return stock.kernelFunc(args);
    const rows = x.shape[0];
    const rowSize = tf.util.sizeFromShape(x.shape.slice(1));
    const outShape = [...indices.shape, ...x.shape.slice(1)];
    const { info, values: out } = wasmStorage.allocate(backend as tf.KernelBackend, outShape, x.dtype);
    const source = wasmStorage.read(backend as tf.KernelBackend, x);
    const ids = wasmStorage.read(backend as tf.KernelBackend, indices);
    for (let i = 0; i < ids.length; i++) {
      const row = ids[i];
      if (!(row >= 0 && row < rows)) throw new Error(`GatherV2: the index value ${row} is not in [0, ${rows - 1}]`);
    }
    if (rowSize === 1) {
      // Element gathers (TiSASRec's interval scores): a plain loop beats a subarray per element.
      for (let i = 0; i < ids.length; i++) out[i] = source[ids[i]];
    } else {
      for (let i = 0; i < ids.length; i++)
        out.set(source.subarray(ids[i] * rowSize, (ids[i] + 1) * rowSize), i * rowSize);
    }
    return info;
  };
}
