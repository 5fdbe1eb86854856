/**
 * In-place writes to a float32 variable's storage, for optimizers that update a few rows of a
 * large table (the lazy Adam of @seqrec/train's sparse embedding update). tfjs has no in-place
 * op: `assign` of a scatter would copy the whole [V, d] table every step, which is what a sparse
 * update exists to avoid.
 *
 * Storage per backend (not public tfjs API, as in kernels/backendStorage.ts): cpu keeps a JS
 * Float32Array per tensor, wasm a region of the Emscripten heap (a view of it is live until the
 * heap grows, so the view is taken per write and used before any other tfjs call).
 *
 * Aliasing: a tensor may share its storage with others (tfjs counts references per storage, e.g.
 * `tf.variable(x)` shares x's; on cpu `tf.tensor(array)` keeps the caller's array itself). When
 * the storage is not the variable's alone (cpu: before the first write and after every assign),
 * it is given storage of its own (one copy of the table); a write never changes another tensor. One exception stays: cpu
 * serves a contiguous `slice` as a view of the same array, so a slice of the variable kept alive
 * across a write sees it (inside a training step no slice outlives the step).
 */
import { tf } from './tf';

interface StorageBackend {
  refCount(dataId: object): number;
  /** cpu */
  data?: { get(dataId: object): { values?: unknown } | undefined };
  /** wasm */
  typedArrayFromHeap?(info: tf.TensorInfo): Float32Array;
}

/** Storage this module gave a variable (so its values are no other tensor's or caller's). */
const owned = new WeakSet<object>();

/** True when `writeVariableRows` writes in place on the active backend (cpu, wasm); else it copies. */
export function writesInPlace(): boolean {
  const name = tf.getBackend();
  return name === 'cpu' || name === 'wasm';
}

/**
 * Calls `write(values)` with a live Float32Array view of `variable`'s whole storage (row-major),
 * so `write` can change rows in place. `write` must not call tfjs. On a backend without in-place
 * access, `write` gets a host copy that is then assigned (correct, but O(size) per call).
 */
export function writeVariableRows(variable: tf.Variable, write: (values: Float32Array) => void): void {
  if (variable.dtype !== 'float32') throw new Error(`writeVariableRows: ${variable.name} is ${variable.dtype}`);
  if (!writesInPlace()) {
    const values = variable.dataSync().slice() as Float32Array;
    write(values);
    tf.tidy(() => variable.assign(tf.tensor(values, variable.shape, 'float32')));
    return;
  }
  const backend = tf.backend() as unknown as StorageBackend;
  // wasm copies every upload into its heap, so storage with one reference is the variable's
  // alone; cpu may hold a caller's array, so there the variable gets storage this module made.
  const exclusive =
    backend.refCount(variable.dataId) === 1 && (owned.has(variable.dataId) || tf.getBackend() === 'wasm');
  if (!exclusive) {
    // A kernel output is fresh storage; x * 1 keeps every value's bits (-0, NaN) as they are.
    tf.tidy(() => variable.assign(tf.mul(variable, tf.scalar(1))));
    owned.add(variable.dataId);
  }
  write(liveView(backend, variable));
}

function liveView(backend: StorageBackend, t: tf.Tensor): Float32Array {
  if (tf.getBackend() === 'wasm') {
    if (typeof backend.typedArrayFromHeap !== 'function')
      throw new Error('writeVariableRows: the wasm backend does not expose typedArrayFromHeap');
    return backend.typedArrayFromHeap(t);
  }
  const values = backend.data?.get(t.dataId)?.values;
  if (!(values instanceof Float32Array) || values.length !== t.size)
    throw new Error('writeVariableRows: the cpu backend does not keep this variable as a Float32Array');
  return values;
}
