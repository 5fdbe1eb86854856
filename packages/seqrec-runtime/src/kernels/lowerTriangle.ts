/**
 * Gather and scatter-add over the lower triangle (j <= i) of a [..., T, T] index: TiSASRec's
 * interval scores, read from a [h, B*T, S+1] table, and the attention weights summed back into it
 * (@seqrec/layers timeIntervalAttention.ts). Causal attention never reads an entry above the
 * diagonal (its score is masked, its weight is 0), so these do half of what `tf.gather` and
 * `tf.unsortedSegmentSum` do over the whole square. Kernels in TypeScript on the cpu and wasm
 * storage; on other backends the ops fall back to those two dense tfjs ops, which agree wherever
 * these are defined. No gradients of their own: each is the other's, wired by the caller.
 *
 *   gatherLowerTriangle(source [N], index [..., T, T] int32) -> [..., T, T], 0 above the diagonal
 *   scatterLowerTriangle(values [..., T, T], index [..., T, T] int32, count) -> [count]
 */
import { tf } from '../tf';
import { cpuStorage, wasmStorage } from './backendStorage';
import type { KernelStorage } from './unsortedSegmentSum';

export const GATHER_LOWER_TRIANGLE = 'SeqrecGatherLowerTriangle';
export const SCATTER_LOWER_TRIANGLE = 'SeqrecScatterLowerTriangle';

type TypedArray = Float32Array | Int32Array | Uint8Array;

function squareSide(index: tf.TensorInfo, op: string): number {
  const [rows, cols] = index.shape.slice(-2);
  if (index.shape.length < 2 || rows !== cols)
    throw new Error(`${op}: index must be [..., T, T], got [${index.shape}]`);
  return rows;
}

function outOfRange(op: string, value: number, size: number): Error {
  return new Error(`${op}: the index value ${value} is not in [0, ${size - 1}]`);
}

function gatherKernel(storage: KernelStorage): tf.KernelFunc {
  return ({ inputs, backend: kernelBackend }) => {
    const backend = kernelBackend as tf.KernelBackend;
    const { x, indices } = inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
    const T = squareSide(indices, 'gatherLowerTriangle');
    const { info, values: out } = storage.allocate(backend, indices.shape, 'float32');
    const source = storage.read(backend, x);
    const ids = storage.read(backend, indices);
    const size = source.length;
    for (let square = 0; square < ids.length; square += T * T) {
      for (let i = 0; i < T; i++) {
        const row = square + i * T;
        for (let j = 0; j <= i; j++) {
          const id = ids[row + j];
          if (!(id >= 0 && id < size)) throw outOfRange('gatherLowerTriangle', id, size);
          out[row + j] = source[id];
        }
        out.fill(0, row + i + 1, row + T);
      }
    }
    return info;
  };
}

function scatterKernel(storage: KernelStorage): tf.KernelFunc {
  return ({ inputs, attrs, backend: kernelBackend }) => {
    const backend = kernelBackend as tf.KernelBackend;
    const { x, indices } = inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
    const count = (attrs as unknown as { numSegments: number }).numSegments;
    const T = squareSide(indices, 'scatterLowerTriangle');
    const { info, values: out } = storage.allocate(backend, [count], 'float32');
    const values: TypedArray = storage.read(backend, x);
    const ids = storage.read(backend, indices);
    out.fill(0);
    for (let square = 0; square < ids.length; square += T * T) {
      for (let i = 0; i < T; i++) {
        const row = square + i * T;
        for (let j = 0; j <= i; j++) {
          const id = ids[row + j];
          if (!(id >= 0 && id < count)) throw outOfRange('scatterLowerTriangle', id, count);
          out[id] += values[row + j];
        }
      }
    }
    return info;
  };
}

/** Registers both kernels on a backend whose storage the TypeScript kernels can reach. */
export function registerLowerTriangleKernels(backendName: 'cpu' | 'wasm'): void {
  const storage = backendName === 'cpu' ? cpuStorage : wasmStorage;
  for (const [kernelName, kernelFunc] of [
    [GATHER_LOWER_TRIANGLE, gatherKernel(storage)],
    [SCATTER_LOWER_TRIANGLE, scatterKernel(storage)],
  ] as const) {
    if (tf.getKernel(kernelName, backendName) === undefined) tf.registerKernel({ kernelName, backendName, kernelFunc });
  }
}

/** source [N], index [..., T, T] int32 -> source[index] where j <= i, 0 above the diagonal (dense elsewhere). */
export function gatherLowerTriangle(source: tf.Tensor1D, index: tf.Tensor): tf.Tensor {
  if (tf.getKernel(GATHER_LOWER_TRIANGLE, tf.getBackend()) === undefined) return tf.gather(source, index);
  return tf.engine().runKernel(GATHER_LOWER_TRIANGLE, { x: source, indices: index }) as tf.Tensor;
}

/** values and index [..., T, T] -> [count]: the sum of values[.., i, j], j <= i, at index[.., i, j] (dense elsewhere). */
export function scatterLowerTriangle(values: tf.Tensor, index: tf.Tensor, count: number): tf.Tensor1D {
  if (tf.getKernel(SCATTER_LOWER_TRIANGLE, tf.getBackend()) === undefined)
    return tf.unsortedSegmentSum(values.reshape([-1]), index.reshape([-1]) as tf.Tensor1D, count) as tf.Tensor1D;
  const attrs = { numSegments: count };
  return tf
    .engine()
    .runKernel(
      SCATTER_LOWER_TRIANGLE,
      { x: values, indices: index },
      attrs as unknown as tf.NamedAttrMap,
    ) as tf.Tensor1D;
}
