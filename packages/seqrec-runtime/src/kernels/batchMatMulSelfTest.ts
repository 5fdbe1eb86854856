/**
 * Start-up self-test of the WebAssembly `BatchMatMul` kernel, run by `initBackend` before the
 * kernel replaces the stock one (and again through `tf.matMul` once it has).
 *
 * The kernel shares the tfjs heap and relies on tfjs-wasm internals, so a miscompiled kernel or a
 * changed tfjs could corrupt tensors silently. The raw test surrounds every buffer with guard
 * words and checks the kernel wrote only its output and scratch, on shapes that hit every edge
 * path (tails of 1-7 columns and 1-3 rows, k and n longer than one block, transposes, broadcast).
 */
import { tf } from '../tf';
import type { BatchMatMulExports } from './batchMatMulWasm';
import { TRIANGLE } from './triangularMatMul';
import { matMulReference, maxRelativeError } from './matMulReference';
import { type WasmBackendInternals, heapF32 } from './wasmBackendInternals';

const TOLERANCE = 1e-4;
const GUARD_WORDS = 16;
const GUARD_VALUE = 1234.5;

/** [batch, m, n, k, transA, transB, broadcastB, triangle (TRIANGLE; 0 or absent: dense)] */
type Case = [number, number, number, number, boolean, boolean, boolean, number?];

const RAW_CASES: Case[] = [
  [1, 1, 1, 1, false, false, false],
  [2, 3, 7, 5, true, false, false],
  [2, 7, 25, 33, false, true, false],
  [3, 5, 9, 12, true, true, true],
  [1, 6, 13, 300, true, false, false],
  [1, 9, 520, 3, false, true, false],
  [2, 4, 8, 16, false, false, true],
  // Causal attention's triangles: sizes not multiples of the 4 x 8 tile, and one past a k block.
  [2, 13, 13, 7, false, true, false, TRIANGLE.lowerOutput],
  [2, 19, 5, 19, false, false, false, TRIANGLE.lowerA],
  [2, 19, 6, 19, true, false, false, TRIANGLE.upperA],
  [1, 270, 3, 270, false, false, false, TRIANGLE.lowerA],
  [1, 270, 3, 270, true, false, false, TRIANGLE.upperA],
];

/**
 * Zeroes op(A)[i, p] for p > i (lowerA) or p < i (upperA): the inputs the triangles are for.
 * A is [m x k] (or [k x m] transposed), batch items aBatch apart.
 */
function zeroTriangle(a: Float32Array, c: Case): void {
  const [batch, m, , k, transA, , , triangle] = c;
  if (triangle !== TRIANGLE.lowerA && triangle !== TRIANGLE.upperA) return;
  for (let q = 0; q < batch; q++) {
    for (let i = 0; i < m; i++) {
      for (let p = 0; p < k; p++) {
        const zero = triangle === TRIANGLE.lowerA ? p > i : p < i;
        if (zero) a[q * m * k + (transA ? p * m + i : i * k + p)] = 0;
      }
    }
  }
}

/** With lowerOutput only C[i, j], j <= i, is defined: the rest is compared as zeros on both sides. */
function definedPart(values: ArrayLike<number>, c: Case): Float64Array {
  const [batch, m, n, , , , , triangle] = c;
  const out = Float64Array.from(values);
  if (triangle !== TRIANGLE.lowerOutput) return out;
  for (let q = 0; q < batch; q++) {
    for (let i = 0; i < m; i++) for (let j = i + 1; j < n; j++) out[(q * m + i) * n + j] = 0;
  }
  return out;
}

/** Deterministic values in [-1, 1) so a failure reproduces. */
function fillRandom(view: Float32Array, seed: number): void {
  let s = seed >>> 0;
  for (let i = 0; i < view.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    view[i] = s / 2 ** 31 - 1;
  }
}

function rawCase(kernel: BatchMatMulExports, backend: WasmBackendInternals, c: Case, seed: number): string | null {
  const [batch, m, n, k, transA, transB, broadcastB, triangle = 0] = c;
  const sizes = [batch * m * k, (broadcastB ? 1 : batch) * k * n, batch * m * n, kernel.scratchBytes(n, k) / 4];
  const totalWords = sizes.reduce((sum, s) => sum + s + GUARD_WORDS, GUARD_WORDS);
  const base = backend.wasm._malloc(totalWords * 4);
  try {
    const offsets: number[] = [];
    let at = base + GUARD_WORDS * 4;
    for (const size of sizes) {
      offsets.push(at);
      at += (size + GUARD_WORDS) * 4;
    }
    heapF32(backend, base, totalWords).fill(GUARD_VALUE);
    fillRandom(heapF32(backend, offsets[0], sizes[0]), seed);
    zeroTriangle(heapF32(backend, offsets[0], sizes[0]), c);
    fillRandom(heapF32(backend, offsets[1], sizes[1]), seed + 1);
    const aBatch = m * k;
    const bBatch = broadcastB ? 0 : k * n;
    kernel.batchMatMul(
      offsets[0],
      offsets[1],
      offsets[2],
      batch,
      m,
      n,
      k,
      transA ? 1 : 0,
      transB ? 1 : 0,
      aBatch,
      bBatch,
      offsets[3],
      triangle,
    );
    const want = matMulReference(
      heapF32(backend, offsets[0], sizes[0]),
      heapF32(backend, offsets[1], sizes[1]),
      batch,
      m,
      n,
      k,
      transA,
      transB,
      aBatch,
      bBatch,
    );
    const err = maxRelativeError(definedPart(heapF32(backend, offsets[2], sizes[2]), c), definedPart(want, c));
    const label = `[${c.join(',')}]`;
    if (!(err <= TOLERANCE)) return `case ${label}: max relative error ${err}`;
    const all = heapF32(backend, base, totalWords);
    for (let g = 0; g < GUARD_WORDS; g++) if (all[g] !== GUARD_VALUE) return `case ${label}: wrote before its buffers`;
    for (let i = 0; i < sizes.length; i++) {
      const guard = (offsets[i] - base) / 4 + sizes[i];
      for (let g = 0; g < GUARD_WORDS; g++) {
        if (all[guard + g] !== GUARD_VALUE) return `case ${label}: wrote past buffer ${i}`;
      }
    }
    return null;
  } finally {
    backend.wasm._free(base);
  }
}

/** Calls the kernel directly on heap blocks it allocates. Null when it passes, else what failed. */
export function selfTestRawKernel(kernel: BatchMatMulExports, backend: WasmBackendInternals): string | null {
  for (let i = 0; i < RAW_CASES.length; i++) {
    let failure: string | null;
    try {
      failure = rawCase(kernel, backend, RAW_CASES[i], 17 + 2 * i);
    } catch (error) {
      failure = `case [${RAW_CASES[i].join(',')}] threw ${(error as Error).message}`;
    }
    if (failure !== null) return failure;
  }
  return null;
}

/**
 * `tf.matMul` on the active (wasm) backend vs the reference, through whatever BatchMatMul kernel
 * is registered: this checks the tensor-offset plumbing, which depends on tfjs internals.
 */
export function selfTestThroughTf(): string | null {
  const cases: Array<{ a: number[]; b: number[]; transA: boolean; transB: boolean }> = [
    { a: [3, 5, 7], b: [3, 25, 7], transA: false, transB: true },
    { a: [2, 33, 6], b: [1, 33, 9], transA: true, transB: false },
    { a: [2, 4, 11], b: [11, 10], transA: false, transB: false },
  ];
  for (const [i, c] of cases.entries()) {
    const aData = new Float32Array(tf.util.sizeFromShape(c.a));
    const bData = new Float32Array(tf.util.sizeFromShape(c.b));
    fillRandom(aData, 101 + i);
    fillRandom(bData, 202 + i);
    let got: Float32Array;
    try {
      const result = tf.tidy(() => tf.matMul(tf.tensor(aData, c.a), tf.tensor(bData, c.b), c.transA, c.transB));
      got = result.dataSync() as Float32Array;
      result.dispose();
    } catch (error) {
      return `tf.matMul ${JSON.stringify(c)} threw ${(error as Error).message}`;
    }
    const ra = c.a.length;
    const rb = c.b.length;
    const m = c.transA ? c.a[ra - 1] : c.a[ra - 2];
    const k = c.transA ? c.a[ra - 2] : c.a[ra - 1];
    const n = c.transB ? c.b[rb - 2] : c.b[rb - 1];
    const batch = tf.util.sizeFromShape(c.a.slice(0, -2));
    const bBatch = tf.util.sizeFromShape(c.b.slice(0, -2)) === 1 ? 0 : k * n;
    const want = matMulReference(aData, bData, batch, m, n, k, c.transA, c.transB, m * k, bBatch);
    const err = maxRelativeError(got, want);
    if (!(err <= TOLERANCE)) return `tf.matMul ${JSON.stringify(c)}: max relative error ${err}`;
  }
  return null;
}
