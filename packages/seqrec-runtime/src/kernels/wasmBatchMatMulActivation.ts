/**
 * Puts the WebAssembly `BatchMatMul` in place of the stock wasm one when `initBackend` activates
 * the wasm backend, or says why it did not.
 *
 * Order: reach the heap internals -> instantiate the kernel on the backend's memory -> raw
 * self-test (guard words) -> register -> self-test through `tf.matMul`. Any failure keeps or
 * restores the stock kernel and returns a note for the `BackendReport`; a missing build is such
 * a failure (correct results, stock speed, and the note says to run the build).
 */
import { tf } from '../tf';
import { type BatchMatMulExports, makeWasmBatchMatMul } from './batchMatMulWasm';
import { selfTestRawKernel, selfTestThroughTf } from './batchMatMulSelfTest';
import { type WasmMemoryLike, heapMemory, wasmInternals } from './wasmBackendInternals';
import { instantiateKernel } from './wasmKernelModule';

export const WASM_BATCH_MATMUL = 'BatchMatMul (wasm: AssemblyScript SIMD kernel on the tfjs heap)';

export interface KernelActivation {
  /** Set when the custom kernel is active. */
  active: string | null;
  /** Why the stock kernel is in use, when it is. */
  note: string | null;
}

let stockConfig: tf.KernelConfig | null = null;
// Instantiation and self-tests run once per heap (i.e. per wasm backend instance).
let activatedFor: WasmMemoryLike | null = null;
let lastActivation: KernelActivation | null = null;

/** The stock tfjs-wasm BatchMatMul, as registered before seqrec replaced it (benchmarks use it). */
export function stockWasmBatchMatMul(): tf.KernelConfig | null {
  return stockConfig ?? tf.getKernel('BatchMatMul', 'wasm') ?? null;
}

function register(config: tf.KernelConfig): void {
  if (tf.getKernel(config.kernelName, config.backendName) != null) {
    tf.unregisterKernel(config.kernelName, config.backendName);
  }
  tf.registerKernel(config);
}

function keepStock(reason: string): KernelActivation {
  if (stockConfig !== null) register(stockConfig);
  return { active: null, note: `BatchMatMul: using the stock tfjs-wasm kernel because ${reason}` };
}

export type KernelLoader = (memory: WasmMemoryLike) => BatchMatMulExports;

const loadBuiltKernel: KernelLoader = (memory) => instantiateKernel<BatchMatMulExports>('batchMatMul', memory);

/**
 * `load` replaces the built kernel (tests use it to check the fallbacks); passing it also
 * bypasses the once-per-heap cache.
 */
export function activateWasmBatchMatMul(backend: tf.KernelBackend, load?: KernelLoader): KernelActivation {
  const internals = wasmInternals(backend);
  if (typeof internals === 'string') return keepStock(internals);
  const memory = heapMemory(internals);
  if (memory === null) return keepStock('the WebAssembly.Memory behind the tfjs heap was not found');
  if (load === undefined && activatedFor === memory && lastActivation !== null) return lastActivation;

  stockConfig ??= tf.getKernel('BatchMatMul', 'wasm') ?? null;
  if (stockConfig === null) return { active: null, note: 'BatchMatMul: the wasm backend registers no stock kernel' };
  const stock = stockConfig;
  let result: KernelActivation;
  try {
    const kernel = (load ?? loadBuiltKernel)(memory);
    const rawFailure = selfTestRawKernel(kernel, internals);
    if (rawFailure !== null) {
      result = keepStock(`its start-up self-test failed (${rawFailure})`);
    } else {
      // setupFunc/disposeFunc stay the stock ones: the fallback path calls the stock kernel.
      register({ ...stock, kernelFunc: makeWasmBatchMatMul(kernel, memory, stock.kernelFunc) });
      const tfFailure = selfTestThroughTf();
      result =
        tfFailure === null
          ? { active: WASM_BATCH_MATMUL, note: null }
          : keepStock(`its start-up self-test through tf.matMul failed (${tfFailure})`);
    }
  } catch (error) {
    result = keepStock((error as Error).message);
  }
  activatedFor = memory;
  lastActivation = result;
  return result;
}
