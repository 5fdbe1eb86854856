/**
 * `BatchMatMul` for the wasm backend on the AssemblyScript SIMD kernel (assembly/batchMatMul.ts).
 *
 * Stock tfjs-wasm 4.22 sends only batch-1, non-transposed products to XNNPACK and everything else
 * (all attention matmuls, every gradient product with a transpose flag) to a scalar loop at
 * ~1.9 GFLOP/s. This kernel runs all of them at 25-37 GFLOP/s, in place on the tfjs heap: it
 * gets the byte offsets of the inputs, an output from `makeOutput` and a scratch block from
 * `_malloc`. It also beat XNNPACK on the non-transposed 2-D linear-layer shape (see README), so
 * it takes those too. Cases it does not handle (non-float32, unsupported batch broadcasting)
 * go to the stock kernel, which tfjs keeps set up.
 */
import type { tf } from '../tf';
import { planBatchMatMul } from './batchMatMulPlan';
import { triangleFor } from './triangularMatMul';
import {
  type WasmBackendInternals,
  type WasmMemoryLike,
  heapF32,
  heapOffset,
  withHeapScratch,
  wasmInternals,
} from './wasmBackendInternals';

/** Exports of assembly/batchMatMul.ts. Pointers are heap byte offsets. */
export interface BatchMatMulExports {
  scratchBytes(n: number, k: number): number;
  batchMatMul(
    a: number,
    b: number,
    c: number,
    batch: number,
    m: number,
    n: number,
    k: number,
    transA: number,
    transB: number,
    aBatch: number,
    bBatch: number,
    scratch: number,
    structure: number,
  ): void;
}

function internalsOf(backend: unknown): WasmBackendInternals {
  const internals = wasmInternals(backend as tf.KernelBackend);
  if (typeof internals === 'string') throw new Error(`seqrec BatchMatMul: ${internals}`);
  return internals;
}

/** `kernel` must have been instantiated on `memory`, the heap of the backend it will serve. */
export function makeWasmBatchMatMul(
  kernel: BatchMatMulExports,
  memory: WasmMemoryLike,
  stock: tf.KernelFunc,
): tf.KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB, seqrecTriangle } = args.attrs as unknown as {
      transposeA: boolean;
      transposeB: boolean;
      seqrecTriangle?: number;
    };
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return stock(args);
    const plan = planBatchMatMul(a.shape, b.shape, transposeA, transposeB);
    if (plan === null) return stock(args);
    const backend = internalsOf(args.backend);
    // A wasm backend re-created without a new initBackend has another heap: the kernel would
    // read and write the old one.
    if (backend.wasm.HEAPU8.buffer !== memory.buffer) return stock(args);
    const out = backend.makeOutput(plan.outShape, 'float32');
    const { batch, m, n, k } = plan;
    if (batch * m * n === 0) return out;
    const outOffset = heapOffset(backend, out);
    if (k === 0) {
      heapF32(backend, outOffset, batch * m * n).fill(0);
      return out;
    }
    // No JS view of the heap is held across the allocation.
    withHeapScratch(backend, kernel.scratchBytes(n, k), 'seqrec BatchMatMul', (scratch) =>
      kernel.batchMatMul(
        heapOffset(backend, a),
        heapOffset(backend, b),
        outOffset,
        batch,
        m,
        n,
        k,
        plan.transA ? 1 : 0,
        plan.transB ? 1 : 0,
        plan.aBatch,
        plan.bBatch,
        scratch,
        plan.folded ? 0 : triangleFor(seqrecTriangle, m, n, k),
      ),
    );
    return out;
  };
}
