/**
 * mHC's per-token stream arithmetic (shared/spec/MODEL.md §mHC) as four fused WebAssembly
 * kernels, forward and backward, compiled by AssemblyScript (`npm run build:kernels`). Like
 * batchMatMul.ts it runs on the tfjs-backend-wasm heap: every pointer is a byte offset the
 * caller allocated there, and the module has no data, globals or allocations.
 *
 * Layouts (row-major, float32), N tokens, n streams, d features, w = 2n + n*n:
 *   x    [N, n, d]  the streams              phi [n*d, w]  [phi_pre | phi_post | phi_res]
 *   q    [N, w]     x . phi (computed here, kept for the gradient, which also gives dphi)
 *   h    [N, w]     Hpre | Hpost | Hres      r   [N]     1 / sqrt(mean(x^2) + eps)
 *   hin  [N, d]     sum_j Hpre[j] x[j]       f   [N, d]  the sublayer's output
 *
 * With the pre-activation z = alpha * r * q + b of each group (xn phi = r * (x phi), so the
 * [N, n*d] normalised copy is never built):
 *   Hpre = sigmoid(z), Hpost = 2 sigmoid(z), Hres = Sinkhorn(z) (row max subtracted before exp;
 *   the first row normalisation cancels it). Sinkhorn runs on 4 tokens at once, one per f32x4
 *   lane; its backward reruns the iterations and walks them back (sinkhornBlock.ts of
 *   @seqrec/layers is the float64 JS version of the same algorithm).
 */

// ---- scalar helpers -------------------------------------------------------------------------

/** exp(x) for x <= 0 (and moderately positive x), without the std library's lookup tables. */
function expNeg(x: f64): f64 {
  if (x < -700) return 0;
  const k = Math.floor(x * 1.4426950408889634 + 0.5);
  const r = x - k * 0.6931471805599453;
  // Taylor to degree 12 on |r| <= ln2/2: relative error < 1e-15.
  let p = 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  return p * reinterpret<f64>((<i64>(<i32>k + 1023)) << 52);
}

function sigmoid(z: f64): f64 {
  if (z >= 0) return 1 / (1 + expNeg(-z));
  const e = expNeg(z);
  return e / (1 + e);
}

/** exp(v) lane-wise for v <= 0, float32 (relative error ~2e-7), without lookup tables. */
function expNeg4(v: v128): v128 {
  const x = f32x4.max(v, f32x4.splat(-87));
  const k = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.4426950408889634)));
  let r = f32x4.sub(x, f32x4.mul(k, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(k, f32x4.splat(-2.1219444e-4)));
  let p = f32x4.splat(1.0 / 5040.0);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 720.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 120.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 24.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 6.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(0.5));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0));
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(k), i32x4.splat(127)), 23);
  return f32x4.mul(p, scale);
}

function at(base: usize, index: i32): usize {
  return base + ((<usize>index) << 2);
}

// ---- Sinkhorn on 4 tokens at once (lane l = token l of the group) ---------------------------
// Scratch: m [n*n] v128, m0 [n*n] v128, sums [2 n iters] v128.

function sinkhornForward(m: usize, m0: usize, sums: usize, n: i32, iters: i32): void {
  const size = n * n;
  memory.copy(m0, m, (<usize>size) << 4);
  for (let k = 0; k < iters; k++) {
    const base = sums + ((<usize>(2 * n * k)) << 4);
    for (let row = 0; row < n; row++) {
      const p = m + ((<usize>(row * n)) << 4);
      let sum = f32x4.splat(0);
      for (let j = 0; j < n; j++) sum = f32x4.add(sum, v128.load(p + ((<usize>j) << 4)));
      v128.store(base + ((<usize>row) << 4), sum);
      const inverse = f32x4.div(f32x4.splat(1), sum);
      for (let j = 0; j < n; j++) {
        const e = p + ((<usize>j) << 4);
        v128.store(e, f32x4.mul(v128.load(e), inverse));
      }
    }
    for (let column = 0; column < n; column++) {
      let sum = f32x4.splat(0);
      for (let i = 0; i < n; i++) sum = f32x4.add(sum, v128.load(m + ((<usize>(i * n + column)) << 4)));
      v128.store(base + ((<usize>(n + column)) << 4), sum);
      const inverse = f32x4.div(f32x4.splat(1), sum);
      for (let i = 0; i < n; i++) {
        const e = m + ((<usize>(i * n + column)) << 4);
        v128.store(e, f32x4.mul(v128.load(e), inverse));
      }
    }
  }
}

/** After sinkhornForward, with dL/dM in g: leaves dL/dlogits in g. */
function sinkhornBackward(m: usize, m0: usize, g: usize, sums: usize, n: i32, iters: i32): void {
  const size = n * n;
  for (let k = iters - 1; k >= 0; k--) {
    const base = sums + ((<usize>(2 * n * k)) << 4);
    for (let column = 0; column < n; column++) {
      const sum = v128.load(base + ((<usize>(n + column)) << 4));
      const inverse = f32x4.div(f32x4.splat(1), sum);
      let dot = f32x4.splat(0);
      for (let i = 0; i < n; i++) {
        const o = (<usize>(i * n + column)) << 4;
        dot = f32x4.add(dot, f32x4.mul(v128.load(g + o), v128.load(m + o)));
      }
      for (let i = 0; i < n; i++) {
        const o = (<usize>(i * n + column)) << 4;
        v128.store(g + o, f32x4.mul(f32x4.sub(v128.load(g + o), dot), inverse));
        v128.store(m + o, f32x4.mul(v128.load(m + o), sum));
      }
    }
    for (let row = 0; row < n; row++) {
      const sum = v128.load(base + ((<usize>row) << 4));
      const inverse = f32x4.div(f32x4.splat(1), sum);
      let dot = f32x4.splat(0);
      for (let j = 0; j < n; j++) {
        const o = (<usize>(row * n + j)) << 4;
        dot = f32x4.add(dot, f32x4.mul(v128.load(g + o), v128.load(m + o)));
      }
      for (let j = 0; j < n; j++) {
        const o = (<usize>(row * n + j)) << 4;
        v128.store(g + o, f32x4.mul(f32x4.sub(v128.load(g + o), dot), inverse));
        v128.store(m + o, f32x4.mul(v128.load(m + o), sum));
      }
    }
  }
  for (let e = 0; e < size; e++) {
    const o = (<usize>e) << 4;
    v128.store(g + o, f32x4.mul(v128.load(g + o), v128.load(m0 + o)));
  }
}

// prettier-ignore
/** sinkhornForward for n = 4 with the 16 entries in locals (no scratch traffic per step). */
function sinkhornForward4(mp: usize, m0: usize, sums: usize, iters: i32): void {
  memory.copy(m0, mp, 256);
  let m00 = v128.load(mp, 0); let m01 = v128.load(mp, 16); let m02 = v128.load(mp, 32); let m03 = v128.load(mp, 48);
  let m10 = v128.load(mp, 64); let m11 = v128.load(mp, 80); let m12 = v128.load(mp, 96); let m13 = v128.load(mp, 112);
  let m20 = v128.load(mp, 128); let m21 = v128.load(mp, 144); let m22 = v128.load(mp, 160); let m23 = v128.load(mp, 176);
  let m30 = v128.load(mp, 192); let m31 = v128.load(mp, 208); let m32 = v128.load(mp, 224); let m33 = v128.load(mp, 240);
  for (let k = 0; k < iters; k++) {
    const base = sums + (<usize>(8 * k) << 4);
    let sum: v128, inverse: v128;
    sum = f32x4.add(f32x4.add(m00, m01), f32x4.add(m02, m03)); v128.store(base, sum, 0); inverse = f32x4.div(f32x4.splat(1), sum);
    m00 = f32x4.mul(m00, inverse); m01 = f32x4.mul(m01, inverse); m02 = f32x4.mul(m02, inverse); m03 = f32x4.mul(m03, inverse);
    sum = f32x4.add(f32x4.add(m10, m11), f32x4.add(m12, m13)); v128.store(base, sum, 16); inverse = f32x4.div(f32x4.splat(1), sum);
    m10 = f32x4.mul(m10, inverse); m11 = f32x4.mul(m11, inverse); m12 = f32x4.mul(m12, inverse); m13 = f32x4.mul(m13, inverse);
    sum = f32x4.add(f32x4.add(m20, m21), f32x4.add(m22, m23)); v128.store(base, sum, 32); inverse = f32x4.div(f32x4.splat(1), sum);
    m20 = f32x4.mul(m20, inverse); m21 = f32x4.mul(m21, inverse); m22 = f32x4.mul(m22, inverse); m23 = f32x4.mul(m23, inverse);
    sum = f32x4.add(f32x4.add(m30, m31), f32x4.add(m32, m33)); v128.store(base, sum, 48); inverse = f32x4.div(f32x4.splat(1), sum);
    m30 = f32x4.mul(m30, inverse); m31 = f32x4.mul(m31, inverse); m32 = f32x4.mul(m32, inverse); m33 = f32x4.mul(m33, inverse);
    sum = f32x4.add(f32x4.add(m00, m10), f32x4.add(m20, m30)); v128.store(base, sum, 64); inverse = f32x4.div(f32x4.splat(1), sum);
    m00 = f32x4.mul(m00, inverse); m10 = f32x4.mul(m10, inverse); m20 = f32x4.mul(m20, inverse); m30 = f32x4.mul(m30, inverse);
    sum = f32x4.add(f32x4.add(m01, m11), f32x4.add(m21, m31)); v128.store(base, sum, 80); inverse = f32x4.div(f32x4.splat(1), sum);
    m01 = f32x4.mul(m01, inverse); m11 = f32x4.mul(m11, inverse); m21 = f32x4.mul(m21, inverse); m31 = f32x4.mul(m31, inverse);
    sum = f32x4.add(f32x4.add(m02, m12), f32x4.add(m22, m32)); v128.store(base, sum, 96); inverse = f32x4.div(f32x4.splat(1), sum);
    m02 = f32x4.mul(m02, inverse); m12 = f32x4.mul(m12, inverse); m22 = f32x4.mul(m22, inverse); m32 = f32x4.mul(m32, inverse);
    sum = f32x4.add(f32x4.add(m03, m13), f32x4.add(m23, m33)); v128.store(base, sum, 112); inverse = f32x4.div(f32x4.splat(1), sum);
    m03 = f32x4.mul(m03, inverse); m13 = f32x4.mul(m13, inverse); m23 = f32x4.mul(m23, inverse); m33 = f32x4.mul(m33, inverse);
  }
  v128.store(mp, m00, 0); v128.store(mp, m01, 16); v128.store(mp, m02, 32); v128.store(mp, m03, 48);
  v128.store(mp, m10, 64); v128.store(mp, m11, 80); v128.store(mp, m12, 96); v128.store(mp, m13, 112);
  v128.store(mp, m20, 128); v128.store(mp, m21, 144); v128.store(mp, m22, 160); v128.store(mp, m23, 176);
  v128.store(mp, m30, 192); v128.store(mp, m31, 208); v128.store(mp, m32, 224); v128.store(mp, m33, 240);
}

// prettier-ignore
/** sinkhornBackward for n = 4 with the entries and their gradients in locals. */
function sinkhornBackward4(mp: usize, m0: usize, gp: usize, sums: usize, iters: i32): void {
  let m00 = v128.load(mp, 0); let m01 = v128.load(mp, 16); let m02 = v128.load(mp, 32); let m03 = v128.load(mp, 48);
  let m10 = v128.load(mp, 64); let m11 = v128.load(mp, 80); let m12 = v128.load(mp, 96); let m13 = v128.load(mp, 112);
  let m20 = v128.load(mp, 128); let m21 = v128.load(mp, 144); let m22 = v128.load(mp, 160); let m23 = v128.load(mp, 176);
  let m30 = v128.load(mp, 192); let m31 = v128.load(mp, 208); let m32 = v128.load(mp, 224); let m33 = v128.load(mp, 240);
  let g00 = v128.load(gp, 0); let g01 = v128.load(gp, 16); let g02 = v128.load(gp, 32); let g03 = v128.load(gp, 48);
  let g10 = v128.load(gp, 64); let g11 = v128.load(gp, 80); let g12 = v128.load(gp, 96); let g13 = v128.load(gp, 112);
  let g20 = v128.load(gp, 128); let g21 = v128.load(gp, 144); let g22 = v128.load(gp, 160); let g23 = v128.load(gp, 176);
  let g30 = v128.load(gp, 192); let g31 = v128.load(gp, 208); let g32 = v128.load(gp, 224); let g33 = v128.load(gp, 240);
  for (let k = iters - 1; k >= 0; k--) {
    const base = sums + (<usize>(8 * k) << 4);
    let sum: v128, inverse: v128, dot: v128;
    sum = v128.load(base, 64); inverse = f32x4.div(f32x4.splat(1), sum);
    dot = f32x4.add(f32x4.add(f32x4.mul(g00, m00), f32x4.mul(g10, m10)), f32x4.add(f32x4.mul(g20, m20), f32x4.mul(g30, m30)));
    g00 = f32x4.mul(f32x4.sub(g00, dot), inverse); g10 = f32x4.mul(f32x4.sub(g10, dot), inverse); g20 = f32x4.mul(f32x4.sub(g20, dot), inverse); g30 = f32x4.mul(f32x4.sub(g30, dot), inverse);
    m00 = f32x4.mul(m00, sum); m10 = f32x4.mul(m10, sum); m20 = f32x4.mul(m20, sum); m30 = f32x4.mul(m30, sum);
    sum = v128.load(base, 80); inverse = f32x4.div(f32x4.splat(1), sum);
    dot = f32x4.add(f32x4.add(f32x4.mul(g01, m01), f32x4.mul(g11, m11)), f32x4.add(f32x4.mul(g21, m21), f32x4.mul(g31, m31)));
    g01 = f32x4.mul(f32x4.sub(g01, dot), inverse); g11 = f32x4.mul(f32x4.sub(g11, dot), inverse); g21 = f32x4.mul(f32x4.sub(g21, dot), inverse); g31 = f32x4.mul(f32x4.sub(g31, dot), inverse);
    m01 = f32x4.mul(m01, sum); m11 = f32x4.mul(m11, sum); m21 = f32x4.mul(m21, sum); m31 = f32x4.mul(m31, sum);
    sum = v128.load(base, 96); inverse = f32x4.div(f32x4.splat(1), sum);
    dot = f32x4.add(f32x4.add(f32x4.mul(g02, m02), f32x4.mul(g12, m12)), f32x4.add(f32x4.mul(g22, m22), f32x4.mul(g32, m32)));
    g02 = f32x4.mul(f32x4.sub(g02, dot), inverse); g12 = f32x4.mul(f32x4.sub(g12, dot), inverse); g22 = f32x4.mul(f32x4.sub(g22, dot), inverse); g32 = f32x4.mul(f32x4.sub(g32, dot), inverse);
    m02 = f32x4.mul(m02, sum); m12 = f32x4.mul(m12, sum); m22 = f32x4.mul(m22, sum); m32 = f32x4.mul(m32, sum);
    sum = v128.load(base, 112); inverse = f32x4.div(f32x4.splat(1), sum);
    dot = f32x4.add(f32x4.add(f32x4.mul(g03, m03), f32x4.mul(g13, m13)), f32x4.add(f32x4.mul(g23, m23), f32x4.mul(g33, m33)));
    g03 = f32x4.mul(f32x4.sub(g03, dot), inverse); g13 = f32x4.mul(f32x4.sub(g13, dot), inverse); g23 = f32x4.mul(f32x4.sub(g23, dot), inverse); g33 = f32x4.mul(f32x4.sub(g33, dot), inverse);
    m03 = f32x4.mul(m03, sum); m13 = f32x4.mul(m13, sum); m23 = f32x4.mul(m23, sum); m33 = f32x4.mul(m33, sum);
    sum = v128.load(base, 0); inverse = f32x4.div(f32x4.splat(1), sum);
    dot = f32x4.add(f32x4.add(f32x4.mul(g00, m00), f32x4.mul(g01, m01)), f32x4.add(f32x4.mul(g02, m02), f32x4.mul(g03, m03)));
    g00 = f32x4.mul(f32x4.sub(g00, dot), inverse); g01 = f32x4.mul(f32x4.sub(g01, dot), inverse); g02 = f32x4.mul(f32x4.sub(g02, dot), inverse); g03 = f32x4.mul(f32x4.sub(g03, dot), inverse);
    m00 = f32x4.mul(m00, sum); m01 = f32x4.mul(m01, sum); m02 = f32x4.mul(m02, sum); m03 = f32x4.mul(m03, sum);
    sum = v128.load(base, 16); inverse = f32x4.div(f32x4.splat(1), sum);
    dot = f32x4.add(f32x4.add(f32x4.mul(g10, m10), f32x4.mul(g11, m11)), f32x4.add(f32x4.mul(g12, m12), f32x4.mul(g13, m13)));
    g10 = f32x4.mul(f32x4.sub(g10, dot), inverse); g11 = f32x4.mul(f32x4.sub(g11, dot), inverse); g12 = f32x4.mul(f32x4.sub(g12, dot), inverse); g13 = f32x4.mul(f32x4.sub(g13, dot), inverse);
    m10 = f32x4.mul(m10, sum); m11 = f32x4.mul(m11, sum); m12 = f32x4.mul(m12, sum); m13 = f32x4.mul(m13, sum);
    sum = v128.load(base, 32); inverse = f32x4.div(f32x4.splat(1), sum);
    dot = f32x4.add(f32x4.add(f32x4.mul(g20, m20), f32x4.mul(g21, m21)), f32x4.add(f32x4.mul(g22, m22), f32x4.mul(g23, m23)));
    g20 = f32x4.mul(f32x4.sub(g20, dot), inverse); g21 = f32x4.mul(f32x4.sub(g21, dot), inverse); g22 = f32x4.mul(f32x4.sub(g22, dot), inverse); g23 = f32x4.mul(f32x4.sub(g23, dot), inverse);
    m20 = f32x4.mul(m20, sum); m21 = f32x4.mul(m21, sum); m22 = f32x4.mul(m22, sum); m23 = f32x4.mul(m23, sum);
    sum = v128.load(base, 48); inverse = f32x4.div(f32x4.splat(1), sum);
    dot = f32x4.add(f32x4.add(f32x4.mul(g30, m30), f32x4.mul(g31, m31)), f32x4.add(f32x4.mul(g32, m32), f32x4.mul(g33, m33)));
    g30 = f32x4.mul(f32x4.sub(g30, dot), inverse); g31 = f32x4.mul(f32x4.sub(g31, dot), inverse); g32 = f32x4.mul(f32x4.sub(g32, dot), inverse); g33 = f32x4.mul(f32x4.sub(g33, dot), inverse);
    m30 = f32x4.mul(m30, sum); m31 = f32x4.mul(m31, sum); m32 = f32x4.mul(m32, sum); m33 = f32x4.mul(m33, sum);
  }
  v128.store(gp, f32x4.mul(g00, v128.load(m0, 0)), 0); v128.store(gp, f32x4.mul(g01, v128.load(m0, 16)), 16); v128.store(gp, f32x4.mul(g02, v128.load(m0, 32)), 32); v128.store(gp, f32x4.mul(g03, v128.load(m0, 48)), 48);
  v128.store(gp, f32x4.mul(g10, v128.load(m0, 64)), 64); v128.store(gp, f32x4.mul(g11, v128.load(m0, 80)), 80); v128.store(gp, f32x4.mul(g12, v128.load(m0, 96)), 96); v128.store(gp, f32x4.mul(g13, v128.load(m0, 112)), 112);
  v128.store(gp, f32x4.mul(g20, v128.load(m0, 128)), 128); v128.store(gp, f32x4.mul(g21, v128.load(m0, 144)), 144); v128.store(gp, f32x4.mul(g22, v128.load(m0, 160)), 160); v128.store(gp, f32x4.mul(g23, v128.load(m0, 176)), 176);
  v128.store(gp, f32x4.mul(g30, v128.load(m0, 192)), 192); v128.store(gp, f32x4.mul(g31, v128.load(m0, 208)), 208); v128.store(gp, f32x4.mul(g32, v128.load(m0, 224)), 224); v128.store(gp, f32x4.mul(g33, v128.load(m0, 240)), 240);
}

/** w = 2n + n*n rounded up to whole f32x4 vectors: the row stride of phi's copies in scratch. */
function paddedWidth(n: i32): i32 {
  return (2 * n + n * n + 3) & ~3;
}

/**
 * Bytes of scratch the coefficient kernels need: Sinkhorn's blocks, the f64 gate sums, phi
 * (padded, or transposed for the gradient) [n*d, wp], q or dq of 4 tokens and a zero row
 * [5, wp], and the dphi
 * sums of a block of tokens (f32 [n*d, wp]) and of all tokens (f64 [n*d, w]).
 */
export function coefficientScratchBytes(n: i32, d: i32, iters: i32): i32 {
  const w = 2 * n + n * n;
  const wp = paddedWidth(n);
  const nd = n * d;
  return (3 * n * n + 2 * n * iters) * 16 + (3 + w) * 8 + (2 * nd * wp + 5 * wp) * 4 + nd * w * 8;
}

/** phi [nd, w] -> out [nd, wp], each row zero-padded to whole vectors. */
function padRows(phi: usize, out: usize, nd: i32, w: i32, wp: i32): void {
  for (let k = 0; k < nd; k++) {
    memory.copy(at(out, k * wp), at(phi, k * w), (<usize>w) << 2);
    for (let e = w; e < wp; e++) store<f32>(at(out, k * wp + e), 0);
  }
}

/** phi [nd, w] -> out [w, nd] (phi^T), so dq phi^T reads contiguous rows. */
function transpose(phi: usize, out: usize, nd: i32, w: i32): void {
  for (let k = 0; k < nd; k++) {
    for (let e = 0; e < w; e++) store<f32>(at(out, e * nd + k), load<f32>(at(phi, k * w + e)));
  }
}

// prettier-ignore
/**
 * q [wp] = x [nd] . phi [nd, wp] for one token: one splat of x[k] per input row, the outputs in
 * f32x4 accumulators (six in registers for n = 4, where wp = 24).
 */
function project(x: usize, phi: usize, q: usize, nd: i32, wp: i32): void {
  if (wp == 24) {
    let a0 = f32x4.splat(0); let a1 = f32x4.splat(0); let a2 = f32x4.splat(0);
    let a3 = f32x4.splat(0); let a4 = f32x4.splat(0); let a5 = f32x4.splat(0);
    for (let k = 0; k < nd; k++) {
      const xk = v128.load32_splat(at(x, k));
      const p = at(phi, k * 24);
      a0 = f32x4.add(a0, f32x4.mul(xk, v128.load(p, 0))); a1 = f32x4.add(a1, f32x4.mul(xk, v128.load(p, 16)));
      a2 = f32x4.add(a2, f32x4.mul(xk, v128.load(p, 32))); a3 = f32x4.add(a3, f32x4.mul(xk, v128.load(p, 48)));
      a4 = f32x4.add(a4, f32x4.mul(xk, v128.load(p, 64))); a5 = f32x4.add(a5, f32x4.mul(xk, v128.load(p, 80)));
    }
    v128.store(q, a0, 0); v128.store(q, a1, 16); v128.store(q, a2, 32);
    v128.store(q, a3, 48); v128.store(q, a4, 64); v128.store(q, a5, 80);
    return;
  }
  for (let c = 0; c < wp; c += 4) {
    let acc = f32x4.splat(0);
    for (let k = 0; k < nd; k++) acc = f32x4.add(acc, f32x4.mul(v128.load32_splat(at(x, k)), v128.load(at(phi, k * wp + c))));
    v128.store(at(q, c), acc);
  }
}

// prettier-ignore
/**
 * dphi [nd, wp] += x0 (outer) dq0 + x1 (outer) dq1 for two tokens (x [nd], dq [wp]): each dphi
 * vector is read and written once per pair (x1 = x0 with dq1 = 0 for a lone token).
 */
function accumulateOuter(x0: usize, x1: usize, dq0: usize, dq1: usize, dphi: usize, nd: i32, wp: i32): void {
  if (wp == 24) {
    const g0 = v128.load(dq0, 0); const g1 = v128.load(dq0, 16); const g2 = v128.load(dq0, 32);
    const g3 = v128.load(dq0, 48); const g4 = v128.load(dq0, 64); const g5 = v128.load(dq0, 80);
    const u0 = v128.load(dq1, 0); const u1 = v128.load(dq1, 16); const u2 = v128.load(dq1, 32);
    const u3 = v128.load(dq1, 48); const u4 = v128.load(dq1, 64); const u5 = v128.load(dq1, 80);
    for (let k = 0; k < nd; k++) {
      const a = v128.load32_splat(at(x0, k));
      const b = v128.load32_splat(at(x1, k));
      const p = at(dphi, k * 24);
      v128.store(p, f32x4.add(v128.load(p, 0), f32x4.add(f32x4.mul(a, g0), f32x4.mul(b, u0))), 0);
      v128.store(p, f32x4.add(v128.load(p, 16), f32x4.add(f32x4.mul(a, g1), f32x4.mul(b, u1))), 16);
      v128.store(p, f32x4.add(v128.load(p, 32), f32x4.add(f32x4.mul(a, g2), f32x4.mul(b, u2))), 32);
      v128.store(p, f32x4.add(v128.load(p, 48), f32x4.add(f32x4.mul(a, g3), f32x4.mul(b, u3))), 48);
      v128.store(p, f32x4.add(v128.load(p, 64), f32x4.add(f32x4.mul(a, g4), f32x4.mul(b, u4))), 64);
      v128.store(p, f32x4.add(v128.load(p, 80), f32x4.add(f32x4.mul(a, g5), f32x4.mul(b, u5))), 80);
    }
    return;
  }
  for (let k = 0; k < nd; k++) {
    const a = v128.load32_splat(at(x0, k));
    const b = v128.load32_splat(at(x1, k));
    for (let c = 0; c < wp; c += 4) {
      const p = at(dphi, k * wp + c);
      const sum = f32x4.add(f32x4.mul(a, v128.load(at(dq0, c))), f32x4.mul(b, v128.load(at(dq1, c))));
      v128.store(p, f32x4.add(v128.load(p), sum));
    }
  }
}

// prettier-ignore
/** dx [nd] += dq [w] . phiT [w, nd]: 32 (then 16) outputs in accumulators per pass over dq. */
function addProjectionGrad(dq: usize, phiT: usize, dx: usize, nd: i32, w: i32): void {
  const stride = (<usize>nd) << 2;
  let k = 0;
  for (; k + 32 <= nd; k += 32) {
    const o = at(dx, k);
    let a0 = v128.load(o, 0); let a1 = v128.load(o, 16); let a2 = v128.load(o, 32); let a3 = v128.load(o, 48);
    let a4 = v128.load(o, 64); let a5 = v128.load(o, 80); let a6 = v128.load(o, 96); let a7 = v128.load(o, 112);
    let p = at(phiT, k);
    for (let e = 0; e < w; e++) {
      const g = v128.load32_splat(at(dq, e));
      a0 = f32x4.add(a0, f32x4.mul(g, v128.load(p, 0))); a1 = f32x4.add(a1, f32x4.mul(g, v128.load(p, 16)));
      a2 = f32x4.add(a2, f32x4.mul(g, v128.load(p, 32))); a3 = f32x4.add(a3, f32x4.mul(g, v128.load(p, 48)));
      a4 = f32x4.add(a4, f32x4.mul(g, v128.load(p, 64))); a5 = f32x4.add(a5, f32x4.mul(g, v128.load(p, 80)));
      a6 = f32x4.add(a6, f32x4.mul(g, v128.load(p, 96))); a7 = f32x4.add(a7, f32x4.mul(g, v128.load(p, 112)));
      p += stride;
    }
    v128.store(o, a0, 0); v128.store(o, a1, 16); v128.store(o, a2, 32); v128.store(o, a3, 48);
    v128.store(o, a4, 64); v128.store(o, a5, 80); v128.store(o, a6, 96); v128.store(o, a7, 112);
  }
  for (; k + 16 <= nd; k += 16) {
    const o = at(dx, k);
    let a0 = v128.load(o, 0); let a1 = v128.load(o, 16); let a2 = v128.load(o, 32); let a3 = v128.load(o, 48);
    let p = at(phiT, k);
    for (let e = 0; e < w; e++) {
      const g = v128.load32_splat(at(dq, e));
      a0 = f32x4.add(a0, f32x4.mul(g, v128.load(p, 0))); a1 = f32x4.add(a1, f32x4.mul(g, v128.load(p, 16)));
      a2 = f32x4.add(a2, f32x4.mul(g, v128.load(p, 32))); a3 = f32x4.add(a3, f32x4.mul(g, v128.load(p, 48)));
      p += stride;
    }
    v128.store(o, a0, 0); v128.store(o, a1, 16); v128.store(o, a2, 32); v128.store(o, a3, 48);
  }
  for (; k + 4 <= nd; k += 4) {
    const o = at(dx, k);
    let a0 = v128.load(o);
    let p = at(phiT, k);
    for (let e = 0; e < w; e++) {
      a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(at(dq, e)), v128.load(p)));
      p += stride;
    }
    v128.store(o, a0);
  }
  for (; k < nd; k++) {
    let sum = load<f32>(at(dx, k));
    for (let e = 0; e < w; e++) sum += load<f32>(at(dq, e)) * load<f32>(at(phiT, e * nd + k));
    store<f32>(at(dx, k), sum);
  }
}

/** total [nd, w] (f64) += block [nd, wp] (f32); the block is zeroed. */
function flushOuter(block: usize, total: usize, nd: i32, w: i32, wp: i32): void {
  for (let k = 0; k < nd; k++) {
    for (let e = 0; e < w; e++) {
      const slot = total + ((<usize>(k * w + e)) << 3);
      store<f64>(slot, load<f64>(slot) + <f64>load<f32>(at(block, k * wp + e)));
    }
  }
  memory.fill(block, 0, (<usize>(nd * wp)) << 2);
}

/** Writes token t's residual logits minus their row max into lane `lane` of m. */
function residualLogits(q: usize, bRes: usize, m: usize, t: i32, lane: i32, n: i32, w: i32, scale: f64): void {
  const row0 = at(q, t * w + 2 * n);
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let j = 0; j < n; j++) {
      const z = scale * <f64>load<f32>(at(row0, i * n + j)) + <f64>load<f32>(at(bRes, i * n + j));
      if (z > max) max = z;
    }
    for (let j = 0; j < n; j++) {
      const z = scale * <f64>load<f32>(at(row0, i * n + j)) + <f64>load<f32>(at(bRes, i * n + j));
      store<f32>(m + ((<usize>(i * n + j)) << 4) + ((<usize>lane) << 2), <f32>(z - max));
    }
  }
}

/** Lanes past the last token get harmless logits (all zero), then m = exp(m). */
function exponentiate(m: usize, used: i32, size: i32): void {
  for (let e = 0; e < size; e++) {
    const o = m + ((<usize>e) << 4);
    for (let lane = used; lane < 4; lane++) store<f32>(o + ((<usize>lane) << 2), 0);
    v128.store(o, expNeg4(v128.load(o)));
  }
}

function rmsFactor(x: usize, t: i32, nd: i32, eps: f64): f64 {
  const row = at(x, t * nd);
  let acc = f32x4.splat(0);
  let k = 0;
  for (; k + 4 <= nd; k += 4) {
    const v = v128.load(at(row, k));
    acc = f32x4.add(acc, f32x4.mul(v, v));
  }
  let ss: f64 =
    <f64>f32x4.extract_lane(acc, 0) +
    <f64>f32x4.extract_lane(acc, 1) +
    <f64>f32x4.extract_lane(acc, 2) +
    <f64>f32x4.extract_lane(acc, 3);
  for (; k < nd; k++) {
    const v = <f64>load<f32>(at(row, k));
    ss += v * v;
  }
  return 1 / Math.sqrt(ss / <f64>nd + eps);
}

/** out[k] = sum_j c[j] * rows[j][k] over n rows of d (c in float32 at cs). */
function combineRows(rows: usize, cs: usize, out: usize, n: i32, d: i32): void {
  let k = 0;
  for (; k + 4 <= d; k += 4) {
    let acc = f32x4.splat(0);
    for (let j = 0; j < n; j++) {
      acc = f32x4.add(acc, f32x4.mul(v128.load32_splat(at(cs, j)), v128.load(at(rows, j * d + k))));
    }
    v128.store(at(out, k), acc);
  }
  for (; k < d; k++) {
    let acc: f32 = 0;
    for (let j = 0; j < n; j++) acc += load<f32>(at(cs, j)) * load<f32>(at(rows, j * d + k));
    store<f32>(at(out, k), acc);
  }
}

/** sum_k a[k] * b[k] */
function dot(a: usize, b: usize, d: i32): f32 {
  let acc = f32x4.splat(0);
  let k = 0;
  for (; k + 4 <= d; k += 4) acc = f32x4.add(acc, f32x4.mul(v128.load(at(a, k)), v128.load(at(b, k))));
  let s: f32 =
    f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
  for (; k < d; k++) s += load<f32>(at(a, k)) * load<f32>(at(b, k));
  return s;
}

// ---- kernels --------------------------------------------------------------------------------

/** Forward coefficients: (x, phi, alphas, biases) -> h [N, w], hin [N, d], r [N], q [N, w]. */
export function coefficients(
  x: usize,
  phi: usize,
  bPre: usize,
  bPost: usize,
  bRes: usize,
  h: usize,
  hin: usize,
  r: usize,
  q: usize,
  tokens: i32,
  n: i32,
  d: i32,
  iters: i32,
  alphaPre: f64,
  alphaPost: f64,
  alphaRes: f64,
  eps: f64,
  scratch: usize,
): void {
  const w = 2 * n + n * n;
  const wp = paddedWidth(n);
  const nd = n * d;
  const size = n * n;
  // The layout of coefficientScratchBytes (the gradient's; this uses part of it).
  const m = scratch;
  const m0 = m + ((<usize>size) << 4);
  const sums = m0 + ((<usize>(2 * size)) << 4);
  const phiPadded = sums + ((<usize>(2 * n * iters)) << 4) + ((<usize>(3 + w)) << 3); // [nd, wp]
  const qPadded = at(phiPadded, nd * wp); // [wp]
  if (w != wp) padRows(phi, phiPadded, nd, w, wp);
  const phiRows = w == wp ? phi : phiPadded;
  for (let t0 = 0; t0 < tokens; t0 += 4) {
    const used = min(4, tokens - t0);
    for (let lane = 0; lane < used; lane++) {
      const t = t0 + lane;
      const rt = rmsFactor(x, t, nd, eps);
      store<f32>(at(r, t), <f32>rt);
      const qRow = at(q, t * w);
      if (w == wp) project(at(x, t * nd), phiRows, qRow, nd, wp);
      else {
        project(at(x, t * nd), phiRows, qPadded, nd, wp);
        memory.copy(qRow, qPadded, (<usize>w) << 2);
      }
      const hRow = at(h, t * w);
      for (let e = 0; e < n; e++) {
        const zPre = alphaPre * rt * <f64>load<f32>(at(qRow, e)) + <f64>load<f32>(at(bPre, e));
        store<f32>(at(hRow, e), <f32>sigmoid(zPre));
        const zPost = alphaPost * rt * <f64>load<f32>(at(qRow, n + e)) + <f64>load<f32>(at(bPost, e));
        store<f32>(at(hRow, n + e), <f32>(2 * sigmoid(zPost)));
      }
      combineRows(at(x, t * nd), hRow, at(hin, t * d), n, d);
      residualLogits(q, bRes, m, t, lane, n, w, alphaRes * rt);
    }
    exponentiate(m, used, size);
    if (n == 4) sinkhornForward4(m, m0, sums, iters);
    else sinkhornForward(m, m0, sums, n, iters);
    for (let lane = 0; lane < used; lane++) {
      const hRes = at(h, (t0 + lane) * w + 2 * n);
      for (let e = 0; e < size; e++) store<f32>(at(hRes, e), load<f32>(m + ((<usize>e) << 4) + ((<usize>lane) << 2)));
    }
  }
}

/**
 * Backward of `coefficients`: with dh [N, w] (dL/dh from the stream mix), dhin [N, d] and
 * dxIn [N, n, d] (the gradient arriving at the pass-through of x, i.e. the mix's): dx [N, n, d]
 * = dxIn + the terms through Hpre, r and q = x phi (dq phi^T), dphi [n*d, w] = x^T dq summed
 * over tokens, and dparams [3 + w] = dalpha_pre, dalpha_post, dalpha_res, db_pre [n],
 * db_post [n], db_res [n*n]. dq [w] of a token lives in scratch only.
 */
export function coefficientsGrad(
  x: usize,
  phi: usize,
  q: usize,
  bRes: usize,
  h: usize,
  r: usize,
  dh: usize,
  dhin: usize,
  dxIn: usize,
  dx: usize,
  dphi: usize,
  dparams: usize,
  tokens: i32,
  n: i32,
  d: i32,
  iters: i32,
  alphaPre: f64,
  alphaPost: f64,
  alphaRes: f64,
  scratch: usize,
): void {
  const w = 2 * n + n * n;
  const nd = n * d;
  const size = n * n;
  const m = scratch;
  const m0 = m + ((<usize>size) << 4);
  const g = m0 + ((<usize>size) << 4);
  const sums = g + ((<usize>size) << 4);
  const acc = sums + ((<usize>(2 * n * iters)) << 4); // f64 [3 + w]
  const wp = paddedWidth(n);
  const phiT = acc + ((<usize>(3 + w)) << 3); // [w, nd]
  const dqRows = at(phiT, nd * wp); // [5, wp], dq of the 4 tokens of a group, then zeros; padding stays 0
  const dphiBlock = at(dqRows, 5 * wp); // f32 [nd, wp], the current block of tokens
  const dphiTotal = at(dphiBlock, nd * wp); // f64 [nd, w]
  memory.fill(acc, 0, (<usize>(3 + w)) << 3);
  transpose(phi, phiT, nd, w);
  memory.fill(dqRows, 0, (<usize>(5 * wp + nd * wp)) << 2);
  memory.fill(dphiTotal, 0, (<usize>(nd * w)) << 3);
  for (let t0 = 0; t0 < tokens; t0 += 4) {
    const used = min(4, tokens - t0);
    for (let lane = 0; lane < used; lane++) {
      const t = t0 + lane;
      residualLogits(q, bRes, m, t, lane, n, w, alphaRes * <f64>load<f32>(at(r, t)));
      const dRes = at(dh, t * w + 2 * n);
      for (let e = 0; e < size; e++) store<f32>(g + ((<usize>e) << 4) + ((<usize>lane) << 2), load<f32>(at(dRes, e)));
    }
    exponentiate(m, used, size);
    for (let e = 0; e < size; e++) {
      for (let lane = used; lane < 4; lane++) store<f32>(g + ((<usize>e) << 4) + ((<usize>lane) << 2), 0);
    }
    if (n == 4) {
      sinkhornForward4(m, m0, sums, iters);
      sinkhornBackward4(m, m0, g, sums, iters);
    } else {
      sinkhornForward(m, m0, sums, n, iters);
      sinkhornBackward(m, m0, g, sums, n, iters);
    }
    for (let lane = 0; lane < used; lane++) {
      const t = t0 + lane;
      const rt = <f64>load<f32>(at(r, t));
      const xRow = at(x, t * nd);
      const hRow = at(h, t * w);
      const qRow = at(q, t * w);
      const dhRow = at(dh, t * w);
      const dhinRow = at(dhin, t * d);
      const dqRow = at(dqRows, lane * wp);
      let dRt: f64 = 0;
      for (let e = 0; e < w; e++) {
        let dz: f64;
        let alpha: f64;
        let group: i32;
        if (e < n) {
          const s = <f64>load<f32>(at(hRow, e));
          const dHpre = <f64>load<f32>(at(dhRow, e)) + <f64>dot(dhinRow, at(xRow, e * d), d);
          dz = dHpre * s * (1 - s);
          alpha = alphaPre;
          group = 0;
        } else if (e < 2 * n) {
          const s = 0.5 * <f64>load<f32>(at(hRow, e));
          dz = <f64>load<f32>(at(dhRow, e)) * 2 * s * (1 - s);
          alpha = alphaPost;
          group = 1;
        } else {
          dz = <f64>load<f32>(g + ((<usize>(e - 2 * n)) << 4) + ((<usize>lane) << 2));
          alpha = alphaRes;
          group = 2;
        }
        const qe = <f64>load<f32>(at(qRow, e));
        store<f32>(at(dqRow, e), <f32>(alpha * rt * dz));
        dRt += alpha * dz * qe;
        const alphaSlot = acc + ((<usize>group) << 3);
        store<f64>(alphaSlot, load<f64>(alphaSlot) + dz * rt * qe);
        const biasSlot = acc + ((<usize>(3 + e)) << 3);
        store<f64>(biasSlot, load<f64>(biasSlot) + dz);
      }
      // r = (mean(x^2) + eps)^(-1/2): dr/dx = -r^3 x / (n d)
      const c = f32x4.splat(<f32>((-dRt * rt * rt * rt) / <f64>nd));
      const cs = <f32>((-dRt * rt * rt * rt) / <f64>nd);
      const dxRow = at(dx, t * nd);
      const dxInRow = at(dxIn, t * nd);
      for (let j = 0; j < n; j++) {
        const hj = load<f32>(at(hRow, j));
        const hjv = f32x4.splat(hj);
        const xj = at(xRow, j * d);
        const dxj = at(dxRow, j * d);
        const dxInj = at(dxInRow, j * d);
        let k = 0;
        for (; k + 4 <= d; k += 4) {
          const own = f32x4.add(f32x4.mul(hjv, v128.load(at(dhinRow, k))), f32x4.mul(c, v128.load(at(xj, k))));
          v128.store(at(dxj, k), f32x4.add(own, v128.load(at(dxInj, k))));
        }
        for (; k < d; k++) {
          const own = hj * load<f32>(at(dhinRow, k)) + cs * load<f32>(at(xj, k));
          store<f32>(at(dxj, k), own + load<f32>(at(dxInj, k)));
        }
      }
      addProjectionGrad(dqRow, phiT, dxRow, nd, w);
    }
    for (let lane = 0; lane < used; lane += 2) {
      const x0 = at(x, (t0 + lane) * nd);
      const dq0 = at(dqRows, lane * wp);
      if (lane + 1 < used) accumulateOuter(x0, at(x0, nd), dq0, at(dq0, wp), dphiBlock, nd, wp);
      else accumulateOuter(x0, x0, dq0, at(dqRows, 4 * wp), dphiBlock, nd, wp); // a lone token: the zero row
    }
    // f32 sums over at most 64 tokens, then f64 over the blocks: N can be 10^5 tokens.
    if ((t0 & 63) == 60 || t0 + 4 >= tokens) flushOuter(dphiBlock, dphiTotal, nd, w, wp);
  }
  for (let e = 0; e < 3 + w; e++) store<f32>(at(dparams, e), <f32>load<f64>(acc + ((<usize>e) << 3)));
  for (let e = 0; e < nd * w; e++) store<f32>(at(dphi, e), <f32>load<f64>(dphiTotal + ((<usize>e) << 3)));
}

/**
 * The stream update: out[i] = mask * (sum_j Hres[i, j] x[j] + Hpost[i] f), out [N, n, d],
 * mask [N] one value per token.
 */
export function mix(x: usize, f: usize, h: usize, mask: usize, out: usize, tokens: i32, n: i32, d: i32): void {
  const w = 2 * n + n * n;
  const nd = n * d;
  for (let t = 0; t < tokens; t++) {
    const xRow = at(x, t * nd);
    const fRow = at(f, t * d);
    const hRow = at(h, t * w);
    const outRow = at(out, t * nd);
    const scale = load<f32>(at(mask, t));
    if (scale == 0) {
      memory.fill(outRow, 0, (<usize>nd) << 2);
      continue;
    }
    const scalev = f32x4.splat(scale);
    for (let i = 0; i < n; i++) {
      const post = load<f32>(at(hRow, n + i));
      const postv = f32x4.splat(post);
      const res = at(hRow, 2 * n + i * n);
      const o = at(outRow, i * d);
      let k = 0;
      for (; k + 4 <= d; k += 4) {
        let acc = f32x4.mul(postv, v128.load(at(fRow, k)));
        for (let j = 0; j < n; j++) {
          acc = f32x4.add(acc, f32x4.mul(v128.load32_splat(at(res, j)), v128.load(at(xRow, j * d + k))));
        }
        v128.store(at(o, k), f32x4.mul(acc, scalev));
      }
      for (; k < d; k++) {
        let acc = post * load<f32>(at(fRow, k));
        for (let j = 0; j < n; j++) acc += load<f32>(at(res, j)) * load<f32>(at(xRow, j * d + k));
        store<f32>(at(o, k), acc * scale);
      }
    }
  }
}

/**
 * Backward of `mix` with dy [N, n, d] (times the token's mask):
 * dx[j] = sum_i Hres[i, j] dy[i], df = sum_i Hpost[i] dy[i],
 * dh [N, w] = 0 (Hpre) | dy[i] . f (Hpost) | dy[i] . x[j] (Hres). `scratch` holds n + n*d floats.
 */
export function mixGrad(
  dy: usize,
  x: usize,
  f: usize,
  h: usize,
  mask: usize,
  dx: usize,
  df: usize,
  dh: usize,
  tokens: i32,
  n: i32,
  d: i32,
  scratch: usize,
): void {
  const w = 2 * n + n * n;
  const nd = n * d;
  const column = scratch; // n floats
  const masked = scratch + ((<usize>n) << 2); // n*d floats
  for (let t = 0; t < tokens; t++) {
    let dyRow = at(dy, t * nd);
    const xRow = at(x, t * nd);
    const fRow = at(f, t * d);
    const hRow = at(h, t * w);
    const dhRow = at(dh, t * w);
    const scale = load<f32>(at(mask, t));
    if (scale == 0) {
      memory.fill(at(dx, t * nd), 0, (<usize>nd) << 2);
      memory.fill(at(df, t * d), 0, (<usize>d) << 2);
      memory.fill(dhRow, 0, (<usize>w) << 2);
      continue;
    }
    if (scale != 1) {
      const scalev = f32x4.splat(scale);
      let k = 0;
      for (; k + 4 <= nd; k += 4) v128.store(at(masked, k), f32x4.mul(v128.load(at(dyRow, k)), scalev));
      for (; k < nd; k++) store<f32>(at(masked, k), load<f32>(at(dyRow, k)) * scale);
      dyRow = masked;
    }
    combineRows(dyRow, at(hRow, n), at(df, t * d), n, d);
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) store<f32>(at(column, i), load<f32>(at(hRow, 2 * n + i * n + j)));
      combineRows(dyRow, column, at(dx, t * nd + j * d), n, d);
    }
    for (let i = 0; i < n; i++) {
      store<f32>(at(dhRow, i), 0);
      const dyi = at(dyRow, i * d);
      store<f32>(at(dhRow, n + i), dot(dyi, fRow, d));
      for (let j = 0; j < n; j++) store<f32>(at(dhRow, 2 * n + i * n + j), dot(dyi, at(xRow, j * d), d));
    }
  }
}

/** Expand: out [N, n, d] = n copies of x [N, d] (the first stream layout; mHC's expand). */
export function expand(x: usize, out: usize, tokens: i32, n: i32, d: i32): void {
  const rowBytes = (<usize>d) << 2;
  for (let t = 0; t < tokens; t++) {
    const src = at(x, t * d);
    const dst = at(out, t * n * d);
    for (let i = 0; i < n; i++) memory.copy(dst + <usize>i * rowBytes, src, rowBytes);
  }
}

/** Merge: out [N, d] = sum_i x[N, i, :] (mHC's merge before the final LayerNorm). */
export function merge(x: usize, out: usize, tokens: i32, n: i32, d: i32): void {
  for (let t = 0; t < tokens; t++) {
    const src = at(x, t * n * d);
    const dst = at(out, t * d);
    let k = 0;
    for (; k + 4 <= d; k += 4) {
      let acc = v128.load(at(src, k));
      for (let i = 1; i < n; i++) acc = f32x4.add(acc, v128.load(at(src, i * d + k)));
      v128.store(at(dst, k), acc);
    }
    for (; k < d; k++) {
      let acc = load<f32>(at(src, k));
      for (let i = 1; i < n; i++) acc += load<f32>(at(src, i * d + k));
      store<f32>(at(dst, k), acc);
    }
  }
}
