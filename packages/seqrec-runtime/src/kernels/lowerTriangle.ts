/**
 * Gather and scatter-add over the lower triangle (j <= i) of a [..., T, T] index: TiSASRec's
 * interval scores, read from a [h, B*T, S+1] table, and the attention weights summed back into it
 * (@seqrec/layers timeIntervalAttention.ts). Causal attention never reads an entry above the
 * diagonal (its score is masked, its weight is 0), so these do half of what `tf.gather` and
 * `tf.unsortedSegmentSum` do over the whole square. Kernels in TypeScript on cpu; on wasm the
 * same loops compiled by AssemblyScript (assembly/lowerTriangle.ts; about 25 ns an element in
 * TypeScript there, over 5M elements per call at B 128, T 200, 2 heads), or the TypeScript ones
 * when that module is not built. On other backends the ops fall back to those two dense tfjs
 * ops, which agree wherever these are defined. No gradients of their own: each is the other's,
 * wired by the caller.
 *
 *   gatherLowerTriangle(source [N], index [..., T, T] int32) -> [..., T, T], 0 above the diagonal
 *   scatterLowerTriangle(values [..., T, T], index [..., T, T] int32, count) -> [count]
 *   headBucketIndex(rel [B, T, T] int32, h, buckets) -> [B, h, T, T] int32, their index into a
 *     [h, B, T, buckets] table: ((head * B + b) * T + i) * buckets + min(max(rel, 0), buckets - 1)
 */
import { tf } from '../tf';
import { registerKernels, unregisterKernels } from './kernelRegistry';
import { cpuStorage, wasmStorage } from './backendStorage';
import type { KernelStorage } from './unsortedSegmentSum';
import { heapOffset } from './wasmBackendInternals';
import { kernelOnHeap } from './wasmKernelModule';

export const GATHER_LOWER_TRIANGLE = 'SeqrecGatherLowerTriangle';
export const SCATTER_LOWER_TRIANGLE = 'SeqrecScatterLowerTriangle';
export const HEAD_BUCKET_INDEX = 'SeqrecHeadBucketIndex';

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

/** Exports of assembly/lowerTriangle.ts; pointers are heap byte offsets; -1 or a bad position. */
interface LowerTriangleExports {
  gather(source: number, size: number, index: number, out: number, squares: number, t: number): number;
  scatter(values: number, index: number, out: number, size: number, squares: number, t: number): number;
  headBucketIndex(rel: number, out: number, batch: number, heads: number, t: number, buckets: number): void;
}

const WHAT = 'seqrec lower-triangle kernels';

function wasmModule(backend: tf.KernelBackend): ReturnType<typeof kernelOnHeap<LowerTriangleExports>> {
  return kernelOnHeap<LowerTriangleExports>('lowerTriangle', WHAT, backend);
}

function checkInt32(op: string, index: tf.TensorInfo): void {
  if (index.dtype !== 'int32') throw new Error(`${op}: index must be int32, got ${index.dtype}`);
}

/** The message of a bad index at flat position `at` (the module stopped there). */
function badIndex(op: string, backend: tf.KernelBackend, index: tf.TensorInfo, at: number, size: number): Error {
  return outOfRange(op, wasmStorage.read(backend, index)[at], size);
}

const typescriptWasmGather = gatherKernel(wasmStorage);

const wasmGather: tf.KernelFunc = (args) => {
  const backend = args.backend as tf.KernelBackend;
  const { x, indices } = args.inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
  // The module reads float32 sources only; the TypeScript kernel converts other dtypes.
  if (x.dtype !== 'float32') return typescriptWasmGather(args);
  const T = squareSide(indices, 'gatherLowerTriangle');
  checkInt32('gatherLowerTriangle', indices);
  const { internals, kernel } = wasmModule(backend);
  const out = internals.makeOutput(indices.shape, 'float32');
  const squares = tf.util.sizeFromShape(indices.shape) / (T * T);
  const size = tf.util.sizeFromShape(x.shape);
  const at = kernel.gather(
    heapOffset(internals, x),
    size,
    heapOffset(internals, indices),
    heapOffset(internals, out),
    squares,
    T,
  );
  if (at >= 0) {
    const error = badIndex('gatherLowerTriangle', backend, indices, at, size);
    backend.disposeData(out.dataId);
    throw error;
  }
  return out;
};

const wasmScatter: tf.KernelFunc = ({ inputs, attrs, backend: kernelBackend }) => {
  const backend = kernelBackend as tf.KernelBackend;
  const { x, indices } = inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
  const count = (attrs as unknown as { numSegments: number }).numSegments;
  const T = squareSide(indices, 'scatterLowerTriangle');
  checkInt32('scatterLowerTriangle', indices);
  if (x.dtype !== 'float32') throw new Error(`scatterLowerTriangle: values must be float32, got ${x.dtype}`);
  const { internals, kernel } = wasmModule(backend);
  const out = internals.makeOutput([count], 'float32');
  const squares = tf.util.sizeFromShape(indices.shape) / (T * T);
  const at = kernel.scatter(
    heapOffset(internals, x),
    heapOffset(internals, indices),
    heapOffset(internals, out),
    count,
    squares,
    T,
  );
  if (at >= 0) {
    const error = badIndex('scatterLowerTriangle', backend, indices, at, count);
    backend.disposeData(out.dataId);
    throw error;
  }
  return out;
};

interface HeadBucketAttrs {
  heads: number;
  buckets: number;
}

const wasmHeadBucketIndex: tf.KernelFunc = ({ inputs, attrs, backend }) => {
  const { rel } = inputs as { rel: tf.TensorInfo };
  const { heads, buckets } = attrs as unknown as HeadBucketAttrs;
  const [B, T] = rel.shape;
  const { internals, kernel } = wasmModule(backend as tf.KernelBackend);
  const out = internals.makeOutput([B, heads, T, T], 'int32');
  if (B * heads * T > 0)
    kernel.headBucketIndex(heapOffset(internals, rel), heapOffset(internals, out), B, heads, T, buckets);
  return out;
};

/**
 * On wasm, replaces the TypeScript kernels by the AssemblyScript ones when that module
 * instantiates on this backend's heap; otherwise returns why not (the TypeScript ones stay).
 */
export function activateWasmLowerTriangle(backend: tf.KernelBackend): string | null {
  try {
    wasmModule(backend);
  } catch (error) {
    registerLowerTriangleKernels('wasm', true);
    unregisterKernels('wasm', [HEAD_BUCKET_INDEX]);
    return `interval gather / scatter-add: TypeScript kernels because ${(error as Error).message}`;
  }
  registerKernels(
    'wasm',
    [
      [GATHER_LOWER_TRIANGLE, wasmGather],
      [SCATTER_LOWER_TRIANGLE, wasmScatter],
      [HEAD_BUCKET_INDEX, wasmHeadBucketIndex],
    ],
    { replace: true },
  );
  return null;
}

/** Registers both kernels on a backend whose storage the TypeScript kernels can reach. */
export function registerLowerTriangleKernels(backendName: 'cpu' | 'wasm', replace = false): void {
  const storage = backendName === 'cpu' ? cpuStorage : wasmStorage;
  registerKernels(
    backendName,
    [
      [GATHER_LOWER_TRIANGLE, gatherKernel(storage)],
      [SCATTER_LOWER_TRIANGLE, scatterKernel(storage)],
    ],
    { replace },
  );
}

/** source [N], index [..., T, T] int32 -> source[index] where j <= i, 0 above the diagonal (dense elsewhere). */
export function gatherLowerTriangle(source: tf.Tensor1D, index: tf.Tensor): tf.Tensor {
  if (tf.getKernel(GATHER_LOWER_TRIANGLE, tf.getBackend()) === undefined) return tf.gather(source, index);
  return tf.engine().runKernel(GATHER_LOWER_TRIANGLE, { x: source, indices: index }) as tf.Tensor;
}

/** values and index [..., T, T] -> [count]: the sum of values[.., i, j], j <= i, at index[.., i, j] (dense elsewhere). */
export function scatterLowerTriangle(values: tf.Tensor, index: tf.Tensor, count: number): tf.Tensor1D {
  tf.util.assertShapesMatch(values.shape, index.shape, 'scatterLowerTriangle: values and index: ');
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

/** The TypeScript form of headBucketIndex (every backend without the wasm module). */
function headBucketIndexValues(rel: tf.Tensor3D, heads: number, buckets: number): Int32Array {
  const [B, T] = rel.shape;
  const intervals = rel.dataSync();
  const last = buckets - 1;
  const index = new Int32Array(B * heads * T * T);
  for (let b = 0; b < B; b++) {
    for (let head = 0; head < heads; head++) {
      for (let i = 0; i < T; i++) {
        const base = ((head * B + b) * T + i) * buckets;
        const source = (b * T + i) * T;
        const target = ((b * heads + head) * T + i) * T;
        for (let j = 0; j < T; j++) {
          const interval = intervals[source + j];
          index[target + j] = base + (interval < 0 ? 0 : interval > last ? last : interval);
        }
      }
    }
  }
  return index;
}

/**
 * rel [B, T, T] int32 -> [B, h, T, T] int32 index of each (head, b, i, rel) cell in a flattened
 * [h, B, T, buckets] table, rel clamped to [0, buckets - 1]. No gradient (an index).
 */
export function headBucketIndex(rel: tf.Tensor3D, heads: number, buckets: number): tf.Tensor4D {
  if (!(Number.isInteger(heads) && heads >= 1 && Number.isInteger(buckets) && buckets >= 1))
    throw new Error(`headBucketIndex: heads and buckets must be positive integers, got ${heads} and ${buckets}`);
  const [B, T] = rel.shape;
  if (rel.shape[2] !== T) throw new Error(`headBucketIndex: rel must be [B, T, T], got [${rel.shape}]`);
  // The kernel reads int32 intervals; the TypeScript form reads any dtype.
  if (rel.dtype === 'int32' && tf.getKernel(HEAD_BUCKET_INDEX, tf.getBackend()) !== undefined) {
    const attrs: HeadBucketAttrs = { heads, buckets };
    return tf.engine().runKernel(HEAD_BUCKET_INDEX, { rel }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
  }
  return tf.tensor4d(headBucketIndexValues(rel, heads, buckets), [B, heads, T, T], 'int32');
}
