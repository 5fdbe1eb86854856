/**
 * Registering seqrec's kernels with tfjs, for every kernel module: each registers a list of
 * (name, function) pairs on a backend and removes them again when its WebAssembly module does
 * not load, so the rule "register unless present, or replace" is written once.
 */
import { tf } from '../tf';

export type KernelList = ReadonlyArray<readonly [kernelName: string, kernelFunc: tf.KernelFunc]>;

/**
 * Registers each kernel on `backendName`. A kernel already registered under that name stays,
 * unless `replace` (then ours takes its place: tfjs-backend-wasm registers its own on load).
 */
export function registerKernels(backendName: string, kernels: KernelList, options: { replace?: boolean } = {}): void {
  for (const [kernelName, kernelFunc] of kernels) {
    const present = tf.getKernel(kernelName, backendName) !== undefined;
    if (present && options.replace !== true) continue;
    if (present) tf.unregisterKernel(kernelName, backendName);
    tf.registerKernel({ kernelName, backendName, kernelFunc });
  }
}

/** Removes each named kernel from `backendName` where it is registered. */
export function unregisterKernels(backendName: string, kernelNames: readonly string[]): void {
  for (const kernelName of kernelNames)
    if (tf.getKernel(kernelName, backendName) !== undefined) tf.unregisterKernel(kernelName, backendName);
}
