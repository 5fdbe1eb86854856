/**
 * `matMul` with a triangle hint for causal attention: on the wasm backend the SIMD kernel skips
 * the tiles above the diagonal (assembly/batchMatMul.ts, `structure`); every other backend (and
 * the stock wasm kernel) ignores the hint and computes the dense product, which equals the
 * structured one wherever that one is defined (see TRIANGLE). No gradient of its own: callers
 * wrap it in a customGrad whose products carry their own triangles (@seqrec/layers
 * causalProducts.ts).
 */
import { tf } from '../tf';
import type { Triangle } from './batchMatMulWasm';

export { TRIANGLE, type Triangle } from './batchMatMulWasm';

/** a [..., m, k] (or [..., k, m] with transposeA) x b -> [..., m, n], as tf.matMul. */
export function triangularMatMul<T extends tf.Tensor>(
  a: T,
  b: T,
  transposeA: boolean,
  transposeB: boolean,
  triangle: Triangle,
): T {
  const attrs = { transposeA, transposeB, seqrecTriangle: triangle };
  return tf.engine().runKernel('BatchMatMul', { a, b }, attrs as unknown as tf.NamedAttrMap) as T;
}
