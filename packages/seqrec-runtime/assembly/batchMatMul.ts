/**
 * Batched float32 matmul with WebAssembly SIMD, compiled by AssemblyScript (`npm run build:kernels`).
 *
 * It runs on the tfjs-backend-wasm heap: the module imports that `WebAssembly.Memory`, and every
 * pointer below is a byte offset of a tensor (or of a scratch block) the caller allocated there.
 * So it must never touch memory it was not given: no data segments, no globals, no runtime
 * allocations, no strings (no `abort` messages) — `scripts/buildKernels.js` checks the binary.
 *
 *   C[b] (m x n) = op(A[b]) (m x k) . op(B[b]) (k x n),   op = identity or transpose
 *
 * Layout follows the classic GotoBLAS blocking: a k x n block of B is packed into the scratch as
 * 8-column strips ([kc x 8] contiguous, zero padded), which also turns a transposed B into a
 * plain stream; C is computed in 4 x 8 register tiles (8 f32x4 accumulators) with one splat per
 * row of A. Blocking k (KC) and n (NC) keeps the packed block in L2 for the long-k products of
 * the linear-layer gradients (X^T dY has k = B x L = 25,600).
 *
 * `structure` lets causal attention skip the work above the diagonal (its products are T x T
 * with half the entries masked or zero), tile by tile, so the entries it does compute sum the
 * same terms in the same order as the dense product:
 *   1 LOWER_OUTPUT  (m == n) only C[i, j] with j <= i is needed: tiles wholly above the diagonal
 *                   are stored as zeros (scores before the causal mask; dP = dO V^T).
 *   2 LOWER_A       (m == k) op(A)[i, p] = 0 for p > i: row tile i.. stops at p < i + 4 (P V, dS K).
 *   3 UPPER_A       (m == k) op(A)[i, p] = 0 for p < i: row tile i.. starts at p = i (P^T dO, dS^T Q).
 */

const KC: i32 = 256;
const NC: i32 = 512;
const LOWER_OUTPUT: i32 = 1;
const LOWER_A: i32 = 2;
const UPPER_A: i32 = 3;

/** Bytes of scratch `batchMatMul` needs for these sizes (the caller allocates it). */
export function scratchBytes(n: i32, k: i32): i32 {
  const kc = min(k, KC);
  const nc = min((n + 7) & ~7, NC);
  return max(kc * nc * 4, 32);
}

/**
 * aBatch / bBatch: elements between consecutive batch items (0 broadcasts a single matrix).
 * transA: A is stored [k x m]; transB: B is stored [n x k].
 */
export function batchMatMul(
  a: usize,
  b: usize,
  c: usize,
  batch: i32,
  m: i32,
  n: i32,
  k: i32,
  transA: i32,
  transB: i32,
  aBatch: i32,
  bBatch: i32,
  scratch: usize,
  structure: i32,
): void {
  for (let i = 0; i < batch; i++) {
    gemm(
      a + ((<usize>i * <usize>aBatch) << 2),
      b + ((<usize>i * <usize>bBatch) << 2),
      c + ((<usize>i * <usize>m * <usize>n) << 2),
      m,
      n,
      k,
      transA != 0,
      transB != 0,
      scratch,
      structure,
    );
  }
}

function gemm(
  a: usize,
  b: usize,
  c: usize,
  m: i32,
  n: i32,
  k: i32,
  transA: bool,
  transB: bool,
  scratch: usize,
  structure: i32,
): void {
  // Byte strides of A between rows of op(A) and between steps along k.
  const rowStride: usize = transA ? 4 : (<usize>k) << 2;
  const kStride: usize = transA ? (<usize>m) << 2 : 4;
  const ldc: usize = (<usize>n) << 2;
  for (let jc = 0; jc < n; jc += NC) {
    const ncLen = min(NC, n - jc);
    const strips = (ncLen + 7) >> 3;
    for (let kc = 0; kc < k; kc += KC) {
      const kcLen = min(KC, k - kc);
      packB(b, transB, n, k, jc, ncLen, kc, kcLen, scratch);
      // Later k blocks add to what the first one stored.
      const accumulate = kc > 0;
      const aK: usize = <usize>kc * kStride;
      for (let i = 0; i < m; i += 4) {
        const rows = min(4, m - i);
        // Rows past the end repeat the last row (their results are not stored), so the tile
        // never reads outside A.
        const p0 = a + <usize>i * rowStride + aK;
        const p1 = a + <usize>(i + min(1, rows - 1)) * rowStride + aK;
        const p2 = a + <usize>(i + min(2, rows - 1)) * rowStride + aK;
        const p3 = a + <usize>(i + min(3, rows - 1)) * rowStride + aK;
        const cRow = c + <usize>i * ldc;
        // The k range [kFrom, kTo) of this block that can be non-zero for these rows.
        let kFrom = 0;
        let kTo = kcLen;
        if (structure == LOWER_A) kTo = max(0, min(kcLen, i + rows - kc));
        else if (structure == UPPER_A) kFrom = min(kcLen, max(0, i - kc));
        const skipA: usize = <usize>kFrom * kStride;
        for (let s = 0; s < strips; s++) {
          const j = jc + (s << 3);
          const cols = min(8, n - j);
          const bp = scratch + ((<usize>s * <usize>kcLen) << 5) + ((<usize>kFrom) << 5);
          const cp = cRow + ((<usize>j) << 2);
          // An empty range stores zeros (first block) or adds nothing (later blocks).
          const len = structure == LOWER_OUTPUT && j > i + rows - 1 ? 0 : kTo - kFrom;
          if (cols > 4)
            tile4x8(p0 + skipA, p1 + skipA, p2 + skipA, p3 + skipA, kStride, bp, len, cp, ldc, rows, cols, accumulate);
          else
            tile4x4(p0 + skipA, p1 + skipA, p2 + skipA, p3 + skipA, kStride, bp, len, cp, ldc, rows, cols, accumulate);
        }
      }
    }
  }
}

/** Packs B[kc .. kc+kcLen, jc .. jc+ncLen] as 8-column strips, [kcLen x 8] each, zero padded. */
function packB(b: usize, transB: bool, n: i32, k: i32, jc: i32, ncLen: i32, kc: i32, kcLen: i32, dst: usize): void {
  const strips = (ncLen + 7) >> 3;
  const zero = f32x4.splat(0);
  for (let s = 0; s < strips; s++) {
    const j0 = jc + (s << 3);
    const cols = min(8, n - j0);
    let d = dst + ((<usize>s * <usize>kcLen) << 5);
    if (!transB) {
      const ld: usize = (<usize>n) << 2;
      let src = b + ((<usize>kc * <usize>n + <usize>j0) << 2);
      if (cols == 8) {
        for (let kk = 0; kk < kcLen; kk++) {
          v128.store(d, v128.load(src));
          v128.store(d, v128.load(src, 16), 16);
          d += 32;
          src += ld;
        }
      } else {
        for (let kk = 0; kk < kcLen; kk++) {
          v128.store(d, zero);
          v128.store(d, zero, 16);
          for (let cc = 0; cc < cols; cc++) store<f32>(d + ((<usize>cc) << 2), load<f32>(src + ((<usize>cc) << 2)));
          d += 32;
          src += ld;
        }
      }
    } else {
      // B is stored [n x k]: column j of op(B) is the contiguous row j of B.
      for (let cc = 0; cc < 8; cc++) {
        let dd = d + ((<usize>cc) << 2);
        if (cc < cols) {
          let src = b + ((<usize>(j0 + cc) * <usize>k + <usize>kc) << 2);
          for (let kk = 0; kk < kcLen; kk++) {
            store<f32>(dd, load<f32>(src));
            src += 4;
            dd += 32;
          }
        } else {
          for (let kk = 0; kk < kcLen; kk++) {
            store<f32>(dd, 0);
            dd += 32;
          }
        }
      }
    }
  }
}

function tile4x8(
  p0: usize,
  p1: usize,
  p2: usize,
  p3: usize,
  ks: usize,
  bp: usize,
  kcLen: i32,
  cp: usize,
  ldc: usize,
  rows: i32,
  cols: i32,
  accumulate: bool,
): void {
  let c00 = f32x4.splat(0),
    c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0),
    c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0),
    c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0),
    c31 = f32x4.splat(0);
  for (let kk = 0; kk < kcLen; kk++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let av = v128.load32_splat(p0);
    c00 = f32x4.add(c00, f32x4.mul(av, b0));
    c01 = f32x4.add(c01, f32x4.mul(av, b1));
    av = v128.load32_splat(p1);
    c10 = f32x4.add(c10, f32x4.mul(av, b0));
    c11 = f32x4.add(c11, f32x4.mul(av, b1));
    av = v128.load32_splat(p2);
    c20 = f32x4.add(c20, f32x4.mul(av, b0));
    c21 = f32x4.add(c21, f32x4.mul(av, b1));
    av = v128.load32_splat(p3);
    c30 = f32x4.add(c30, f32x4.mul(av, b0));
    c31 = f32x4.add(c31, f32x4.mul(av, b1));
    p0 += ks;
    p1 += ks;
    p2 += ks;
    p3 += ks;
    bp += 32;
  }
  storeRow8(cp, c00, c01, cols, accumulate);
  if (rows > 1) storeRow8(cp + ldc, c10, c11, cols, accumulate);
  if (rows > 2) storeRow8(cp + ldc * 2, c20, c21, cols, accumulate);
  if (rows > 3) storeRow8(cp + ldc * 3, c30, c31, cols, accumulate);
}

function tile4x4(
  p0: usize,
  p1: usize,
  p2: usize,
  p3: usize,
  ks: usize,
  bp: usize,
  kcLen: i32,
  cp: usize,
  ldc: usize,
  rows: i32,
  cols: i32,
  accumulate: bool,
): void {
  let c0 = f32x4.splat(0),
    c1 = f32x4.splat(0),
    c2 = f32x4.splat(0),
    c3 = f32x4.splat(0);
  for (let kk = 0; kk < kcLen; kk++) {
    const b0 = v128.load(bp);
    c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(p0), b0));
    c1 = f32x4.add(c1, f32x4.mul(v128.load32_splat(p1), b0));
    c2 = f32x4.add(c2, f32x4.mul(v128.load32_splat(p2), b0));
    c3 = f32x4.add(c3, f32x4.mul(v128.load32_splat(p3), b0));
    p0 += ks;
    p1 += ks;
    p2 += ks;
    p3 += ks;
    bp += 32;
  }
  storeRow4(cp, c0, cols, accumulate);
  if (rows > 1) storeRow4(cp + ldc, c1, cols, accumulate);
  if (rows > 2) storeRow4(cp + ldc * 2, c2, cols, accumulate);
  if (rows > 3) storeRow4(cp + ldc * 3, c3, cols, accumulate);
}

function storeRow8(p: usize, v0: v128, v1: v128, cols: i32, accumulate: bool): void {
  if (cols == 8) {
    if (accumulate) {
      v0 = f32x4.add(v0, v128.load(p));
      v1 = f32x4.add(v1, v128.load(p, 16));
    }
    v128.store(p, v0);
    v128.store(p, v1, 16);
  } else {
    storeRow4(p, v0, 4, accumulate);
    storeRow4(p + 16, v1, cols - 4, accumulate);
  }
}

// Stores the first `cols` (1..4) lanes; lanes past the edge of C are never written.
function storeRow4(p: usize, v: v128, cols: i32, accumulate: bool): void {
  if (cols == 4) {
    if (accumulate) v = f32x4.add(v, v128.load(p));
    v128.store(p, v);
    return;
  }
  storeLane(p, f32x4.extract_lane(v, 0), accumulate);
  if (cols > 1) storeLane(p + 4, f32x4.extract_lane(v, 1), accumulate);
  if (cols > 2) storeLane(p + 8, f32x4.extract_lane(v, 2), accumulate);
}

function storeLane(p: usize, x: f32, accumulate: bool): void {
  store<f32>(p, accumulate ? x + load<f32>(p) : x);
}
