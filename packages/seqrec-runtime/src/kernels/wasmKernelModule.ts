/**
 * Loads a WebAssembly kernel built by `npm run build:kernels` and instantiates it on the tfjs
 * wasm heap (its only import is `env.memory`, the backend's `WebAssembly.Memory`).
 *
 * The binary is embedded base64 in `./generated/<name>Wasm.ts`, generated and gitignored, so it
 * is found the same way from `src/` (jest, via ts-jest) and `dist/` (compiled by tsc with the
 * rest). It is required lazily: a checkout that was never built still loads, and the caller
 * reports that the kernel is missing instead of failing at import time.
 */
import type { tf } from '../tf';
import { type WasmBackendInternals, type WasmMemoryLike, heapMemory, wasmInternals } from './wasmBackendInternals';

export const BUILD_ADVICE = 'run `npm run build:kernels -w @seqrec/runtime` (or `npm run build`)';

interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

export class KernelNotBuiltError extends Error {
  override readonly name = 'KernelNotBuiltError';
}

/**
 * The generated modules by kernel name. Each `require` names its file literally, so a bundler
 * (esbuild, webpack, Vite) includes it; a lazy function keeps an unbuilt checkout loadable.
 */
const GENERATED: Record<string, () => { WASM_BASE64?: unknown }> = {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  batchMatMul: () => require('./generated/batchMatMulWasm') as { WASM_BASE64?: unknown },
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  mhc: () => require('./generated/mhcWasm') as { WASM_BASE64?: unknown },
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  dropoutMask: () => require('./generated/dropoutMaskWasm') as { WASM_BASE64?: unknown },
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  lowerTriangle: () => require('./generated/lowerTriangleWasm') as { WASM_BASE64?: unknown },
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  layerNorm: () => require('./generated/layerNormWasm') as { WASM_BASE64?: unknown },
};

/** Base64 -> bytes with `atob` (Node >= 16 and every browser; no Buffer, which pages lack). */
function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function embeddedBytes(name: string): Uint8Array {
  const load = GENERATED[name];
  if (load === undefined)
    throw new KernelNotBuiltError(`the ${name} WebAssembly kernel is not built (no generated module); ${BUILD_ADVICE}`);
  let generated: { WASM_BASE64?: unknown };
  try {
    generated = load();
  } catch (error) {
    throw new KernelNotBuiltError(
      `the ${name} WebAssembly kernel is not built (${(error as Error).message.split('\n')[0]}); ${BUILD_ADVICE}`,
    );
  }
  if (typeof generated.WASM_BASE64 !== 'string') {
    throw new KernelNotBuiltError(`generated/${name}Wasm has no WASM_BASE64; ${BUILD_ADVICE}`);
  }
  return decodeBase64(generated.WASM_BASE64);
}

/** Compiles and instantiates kernel `name` against `memory`; returns its exports. */
export function instantiateKernel<Exports>(name: string, memory: WasmMemoryLike): Exports {
  const wasmApi = (globalThis as unknown as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  if (wasmApi == null) throw new Error('WebAssembly is not available in this runtime');
  // Synchronous compile: fine for a module of a few kB (browsers allow it on the main thread up to 4 kB).
  const module = new wasmApi.Module(embeddedBytes(name));
  return new wasmApi.Instance(module, { env: { memory } }).exports as unknown as Exports;
}

const onHeaps = new Map<string, WeakMap<WasmMemoryLike, object>>();

/**
 * Kernel `name` instantiated on this wasm backend's heap (once per heap: a re-created wasm
 * backend has a new one), with the backend's internals; throws, naming `what`, if the wasm
 * internals are not as expected or the kernel is not built.
 */
export function kernelOnHeap<Exports extends object>(
  name: string,
  what: string,
  backend: tf.KernelBackend,
): { internals: WasmBackendInternals; kernel: Exports } {
  const internals = wasmInternals(backend);
  if (typeof internals === 'string') throw new Error(`${what}: ${internals}`);
  const memory = heapMemory(internals);
  if (memory === null) throw new Error(`${what}: the WebAssembly.Memory behind the tfjs heap was not found`);
  let instances = onHeaps.get(name);
  if (instances === undefined) onHeaps.set(name, (instances = new WeakMap()));
  let kernel = instances.get(memory) as Exports | undefined;
  if (kernel === undefined) {
    kernel = instantiateKernel<Exports>(name, memory);
    instances.set(memory, kernel);
  }
  return { internals, kernel };
}
