/**
 * Seeded dropout masks with WebAssembly SIMD, compiled by AssemblyScript (`npm run build:kernels`).
 * Runs on the tfjs-backend-wasm heap under the same rules as batchMatMul.ts: `out` is a byte
 * offset of a float32 tensor the caller allocated, and nothing else is touched.
 *
 * The mask is `rows` runs of `rowSize` floats; run r is drawn from its own sfc32 stream
 * (stream = firstStream + r), each draw t (a u32) giving `scale` when t < threshold, else 0.
 * This is exactly the TypeScript fallback of src/kernels/dropoutMask.ts, draw for draw: the
 * same seed gives the same mask on every backend. Four runs are drawn at once, one per i32x4
 * lane, since sfc32 is only adds, xors and shifts.
 */

export function rowMasks(
  out: usize,
  rows: i32,
  rowSize: i32,
  seed: i32,
  firstStream: i32,
  threshold: u32,
  scale: f32,
): void {
  const thresholds = i32x4.splat(<i32>threshold);
  const scales = i32x4.splat(reinterpret<i32>(scale));
  const ones = i32x4.splat(1);
  const rowBytes: usize = (<usize>rowSize) << 2;
  for (let r = 0; r < rows; r += 4) {
    const lanes = min(4, rows - r);
    let streams = i32x4.splat(firstStream + r);
    streams = i32x4.replace_lane(streams, 1, firstStream + r + 1);
    streams = i32x4.replace_lane(streams, 2, firstStream + r + 2);
    streams = i32x4.replace_lane(streams, 3, firstStream + r + 3);
    let a = v128.xor(i32x4.splat(0x9e3779b9), streams);
    let b = i32x4.splat(seed);
    let c = i32x4.splat(0x243f6a88);
    let d = ones;
    // Draw -12 .. -1 mix the seed in before use; each later draw is one float of each lane's run.
    const p0 = out + <usize>r * rowBytes;
    for (let i = -12; i < rowSize; i++) {
      const t = i32x4.add(i32x4.add(a, b), d);
      d = i32x4.add(d, ones);
      a = v128.xor(b, i32x4.shr_u(b, 9));
      b = i32x4.add(c, i32x4.shl(c, 3));
      c = i32x4.add(v128.or(i32x4.shl(c, 21), i32x4.shr_u(c, 11)), t);
      if (i < 0) continue;
      const mask = v128.and(i32x4.lt_u(t, thresholds), scales);
      const p = p0 + ((<usize>i) << 2);
      store<i32>(p, i32x4.extract_lane(mask, 0));
      if (lanes > 1) store<i32>(p + rowBytes, i32x4.extract_lane(mask, 1));
      if (lanes > 2) store<i32>(p + rowBytes * 2, i32x4.extract_lane(mask, 2));
      if (lanes > 3) store<i32>(p + rowBytes * 3, i32x4.extract_lane(mask, 3));
    }
  }
}
