/**
 * Typed access to the tfjs-backend-wasm 4.22 internals that WebAssembly kernels need.
 *
 * Every wasm-backend tensor lives in one Emscripten heap; a kernel sharing that heap works on
 * byte offsets (`dataIdMap.get(dataId).memoryOffset`) with no copies. None of this is public
 * tfjs API, so it is looked up defensively here and the kernels self-test before use.
 */
import type { tf } from '../tf';

/** The part of `WebAssembly.Memory` used here (the compile target has no DOM/WebAssembly lib). */
export interface WasmMemoryLike {
  readonly buffer: ArrayBuffer;
}

interface EmscriptenModuleLike {
  asm?: { memory?: WasmMemoryLike };
  wasmMemory?: WasmMemoryLike;
  HEAPU8: Uint8Array;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
}

export interface WasmBackendInternals {
  wasm: EmscriptenModuleLike;
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

/** The backend's internals, or why they are not as expected. */
export function wasmInternals(backend: tf.KernelBackend): WasmBackendInternals | string {
  const candidate = backend as unknown as Partial<WasmBackendInternals>;
  const wasm = candidate.wasm;
  if (
    wasm == null ||
    typeof wasm._malloc !== 'function' ||
    typeof wasm._free !== 'function' ||
    !(wasm.HEAPU8 instanceof Uint8Array)
  ) {
    return 'the wasm backend does not expose the Emscripten module (_malloc/_free/HEAPU8)';
  }
  if (candidate.dataIdMap == null || typeof candidate.makeOutput !== 'function') {
    return 'the wasm backend does not expose dataIdMap/makeOutput';
  }
  return candidate as WasmBackendInternals;
}

/** The `WebAssembly.Memory` behind the heap, found where tfjs-backend-wasm 4.22 keeps it. */
export function heapMemory(internals: WasmBackendInternals): WasmMemoryLike | null {
  const heap = internals.wasm.HEAPU8.buffer;
  for (const memory of [internals.wasm.asm?.memory, internals.wasm.wasmMemory]) {
    if (memory != null && memory.buffer === heap) return memory;
  }
  return null;
}

/** Byte offset of a tensor's data on the heap. */
export function heapOffset(internals: WasmBackendInternals, t: tf.TensorInfo): number {
  const data = internals.dataIdMap.get(t.dataId);
  if (data == null) throw new Error('seqrec wasm kernel: input tensor is not on the wasm backend');
  return data.memoryOffset;
}

/** A float32 view of the heap; re-take it after any allocation, since the heap may have grown. */
export function heapF32(internals: WasmBackendInternals, byteOffset: number, length: number): Float32Array {
  return new Float32Array(internals.wasm.HEAPU8.buffer, byteOffset, length);
}

/**
 * Runs `run` with `bytes` of scratch on the heap, freed afterwards. Emscripten's `_malloc`
 * returns 0 when the heap cannot grow; a kernel given offset 0 would write over the heap's start.
 * Offsets stay valid when `_malloc` grows the heap; only JS views go stale.
 */
export function withHeapScratch<T>(
  internals: Pick<WasmBackendInternals, 'wasm'>,
  bytes: number,
  what: string,
  run: (scratch: number) => T,
): T {
  const scratch = internals.wasm._malloc(bytes);
  if (scratch === 0) throw new Error(`${what}: the wasm heap has no room for ${bytes} bytes of scratch`);
  try {
    return run(scratch);
  } finally {
    internals.wasm._free(scratch);
  }
}

/** Throws, naming the kernel and the input, unless every tensor is float32. */
export function requireFloat32(kernelName: string, tensors: Record<string, tf.TensorInfo>): void {
  for (const [name, t] of Object.entries(tensors)) {
    if (t.dtype !== 'float32') throw new TypeError(`${kernelName}: input ${name} must be float32, got ${t.dtype}`);
  }
}
