/**
 * Tensor storage access for kernels written in TypeScript, per backend.
 *
 * cpu keeps each tensor as a JS typed array; wasm keeps it in the Emscripten heap, where
 * `typedArrayFromHeap` gives a live view (so an output is written in place, without a copy).
 */
import type { KernelStorage } from './unsortedSegmentSum';
import { tf } from '../tf';

type TypedArray = Float32Array | Int32Array | Uint8Array;

interface CpuBackendLike {
  readSync(dataId: object): TypedArray;
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: TypedArray): tf.TensorInfo;
}

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): TypedArray;
}

function zeros(dtype: tf.DataType, size: number): TypedArray {
  return dtype === 'int32' ? new Int32Array(size) : dtype === 'bool' ? new Uint8Array(size) : new Float32Array(size);
}

export const cpuStorage: KernelStorage = {
  read: (backend, t) => (backend as unknown as CpuBackendLike).readSync(t.dataId),
  allocate: (backend, shape, dtype) => {
    const values = zeros(dtype, tf.util.sizeFromShape(shape));
    return { info: (backend as unknown as CpuBackendLike).makeTensorInfo(shape, dtype, values), values };
  },
};

export const wasmStorage: KernelStorage = {
  read: (backend, t) => (backend as unknown as WasmBackendLike).typedArrayFromHeap(t),
  allocate: (backend, shape, dtype) => {
    const wasm = backend as unknown as WasmBackendLike;
    const info = wasm.makeOutput(shape, dtype);
    return { info, values: wasm.typedArrayFromHeap(info) };
  },
};
