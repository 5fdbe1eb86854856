/**
 * Registers the kernels seqrec adds to tfjs. `registerSeqrecKernels` runs once from `initBackend`;
 * `activateBackendKernels` runs each time a backend becomes active, for kernels that need it.
 *
 * - cpu:  `UnsortedSegmentSum` replaced by the scatter-add (the stock one is O(rows x V x d)).
 * - wasm: `UnsortedSegmentSum` added (the stock wasm backend has none, so `gather` had no
 *         gradient there); `BatchMatMul` replaced by the WebAssembly SIMD kernel, which needs the
 *         live backend (its heap) and a self-test, hence at activation; `Identity` shares
 *         storage instead of copying (autodiff clones every saved tensor with it).
 */
import { tf } from '../tf';
import { cpuStorage, wasmStorage } from './backendStorage';
import { sharedIdentity } from './sharedIdentity';
import { makeUnsortedSegmentSumKernel } from './unsortedSegmentSum';
import { activateWasmBatchMatMul } from './wasmBatchMatMulActivation';

let registered = false;

const SEGMENT_SUM = 'UnsortedSegmentSum (JS scatter-add)';

export interface ActiveKernels {
  /** seqrec kernels in use on the backend. */
  kernels: string[];
  /** Custom kernels that are not in use, and why (the stock tfjs kernel runs instead). */
  notes: string[];
}

function replaceKernel(kernelName: string, backendName: string, kernelFunc: tf.KernelFunc): void {
  if (tf.getKernel(kernelName, backendName) != null) tf.unregisterKernel(kernelName, backendName);
  tf.registerKernel({ kernelName, backendName, kernelFunc });
}

export function registerSeqrecKernels(): void {
  if (registered) return;
  registered = true;
  replaceKernel('UnsortedSegmentSum', 'cpu', makeUnsortedSegmentSumKernel(cpuStorage));
  replaceKernel('UnsortedSegmentSum', 'wasm', makeUnsortedSegmentSumKernel(wasmStorage));
  replaceKernel('Identity', 'wasm', sharedIdentity);
}

/** Call with the backend that was just made active (`tf.backend()`). */
export function activateBackendKernels(backendName: string, backend: tf.KernelBackend): ActiveKernels {
  if (backendName === 'cpu') return { kernels: [SEGMENT_SUM], notes: [] };
  if (backendName !== 'wasm') return { kernels: [], notes: [] };
  const matMul = activateWasmBatchMatMul(backend);
  return {
    kernels: matMul.active === null ? [SEGMENT_SUM] : [SEGMENT_SUM, matMul.active],
    notes: matMul.note === null ? [] : [matMul.note],
  };
}
