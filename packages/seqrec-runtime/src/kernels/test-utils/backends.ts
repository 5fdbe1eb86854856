/**
 * Test helpers: run the same computation on the wasm and cpu backends (switching with
 * `initBackend`, as users do) and compare, with seeded data so failures reproduce.
 */
import { type BackendName, initBackend } from '../../selectBackend';
import { tf } from '../../tf';

/** Runs `fn` with `backend` active and returns plain arrays (tensors are disposed). */
export async function onBackend(backend: BackendName, fn: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  await initBackend({ backend });
  const result = tf.tidy(fn);
  const tensors = Array.isArray(result) ? result : [result];
  const values = tensors.map((t) => Float32Array.from(t.dataSync()));
  tf.dispose(tensors);
  return values;
}

/** Deterministic uniform values in [lo, hi). */
export function seededValues(count: number, seed: number, lo = -1, hi = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = lo + (hi - lo) * (s / 2 ** 32);
  }
  return out;
}
