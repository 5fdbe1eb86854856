/**
 * `matMul` with a triangle hint for causal attention: on the wasm backend the SIMD kernel skips
 * the tiles above the diagonal (assembly/batchMatMul.ts, `structure`); every other backend (and
 * the stock wasm kernel) ignores the hint and computes the dense product, which equals the
 * structured one wherever that one is defined (see TRIANGLE). On the autodiff tape it is a
 * plain BatchMatMul, whose gradient is tfjs's dense one; @seqrec/layers causalProducts.ts wraps
 * it in a customGrad whose products carry their own triangles.
 */
import { tf } from '../tf';

/**
 * The `seqrecTriangle` attr of a `BatchMatMul` call (the stock kernels ignore it and compute the
 * dense product, which equals the structured one wherever that one is defined): which products
 * of causal attention may skip the work above the diagonal (assembly/batchMatMul.ts).
 */
export const TRIANGLE = {
  /** Only C[i, j] with j <= i is read afterwards (m == n); the rest may hold zeros. */
  lowerOutput: 1,
  /** op(A)[i, p] = 0 for p > i (m == k). */
  lowerA: 2,
  /** op(A)[i, p] = 0 for p < i (m == k). */
  upperA: 3,
} as const;
export type Triangle = (typeof TRIANGLE)[keyof typeof TRIANGLE];

/** The structure the kernel may use for these sizes: the triangle needs its square dims, else dense. */
export function triangleFor(triangle: number | undefined, m: number, n: number, k: number): number {
  if (triangle === TRIANGLE.lowerOutput) return m === n ? triangle : 0;
  if (triangle === TRIANGLE.lowerA || triangle === TRIANGLE.upperA) return m === k ? triangle : 0;
  return 0;
}

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
