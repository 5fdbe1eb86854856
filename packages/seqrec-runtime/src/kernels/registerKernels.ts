/**
 * Registers the kernels seqrec adds to tfjs. Called once by `initBackend`.
 *
 * - cpu:  `UnsortedSegmentSum` replaced by the scatter-add (the stock one is O(rows x V x d)).
 * - wasm: `UnsortedSegmentSum` added (the stock wasm backend has none, so `gather` had no
 *         gradient there).
 */
import { tf } from '../tf';
import { cpuStorage, wasmStorage } from './backendStorage';
import { makeUnsortedSegmentSumKernel } from './unsortedSegmentSum';

let registered = false;

function replaceKernel(kernelName: string, backendName: string, kernelFunc: tf.KernelFunc): void {
  if (tf.getKernel(kernelName, backendName) != null) tf.unregisterKernel(kernelName, backendName);
  tf.registerKernel({ kernelName, backendName, kernelFunc });
}

export function registerSeqrecKernels(): void {
  if (registered) return;
  registered = true;
  replaceKernel('UnsortedSegmentSum', 'cpu', makeUnsortedSegmentSumKernel(cpuStorage));
  replaceKernel('UnsortedSegmentSum', 'wasm', makeUnsortedSegmentSumKernel(wasmStorage));
}
