/**
 * Benchmark (not a test): tfjs-wasm's stock BatchMatMul vs seqrec's WebAssembly SIMD kernel on the
 * SASRec shapes (B = 128, L = 200, d = 50, one head: attention d_head = 25 is the spec's
 * per-head size used in the spike). Runs against dist/: `npm run bench:matmul -w @seqrec/runtime`.
 * Times are ms per call (mean after warm-up), kernels only; no data is read back.
 */
'use strict';
const { tf, initBackend } = require('../dist/index.js');
const { stockWasmBatchMatMul } = require('../dist/kernels/wasmBatchMatMulActivation.js');

const B = 128;
const SHAPES = [
  { name: 'attn [200,25]x[25,200]', a: [B, 200, 25], b: [B, 25, 200], tA: false, tB: false },
  { name: 'attn QK^T [200,25]x[200,25]^T', a: [B, 200, 25], b: [B, 200, 25], tA: false, tB: true },
  { name: 'attn PV [200,200]x[200,25]', a: [B, 200, 200], b: [B, 200, 25], tA: false, tB: false },
  { name: 'attn dV [200,200]^T x[200,25]', a: [B, 200, 200], b: [B, 200, 25], tA: true, tB: false },
  { name: 'linear XW [25600,50]x[50,50]', a: [25600, 50], b: [50, 50], tA: false, tB: false },
  { name: 'linear XW, fresh W each call', a: [25600, 50], b: [50, 50], tA: false, tB: false, freshB: true },
  { name: 'linear dX = dY W^T', a: [25600, 50], b: [50, 50], tA: false, tB: true },
  { name: 'linear dW = X^T dY', a: [25600, 50], b: [25600, 50], tA: true, tB: false },
];

function flops(s) {
  const r = s.a.length;
  const m = s.tA ? s.a[r - 1] : s.a[r - 2];
  const k = s.tA ? s.a[r - 2] : s.a[r - 1];
  const n = s.tB ? s.b[s.b.length - 2] : s.b[s.b.length - 1];
  const batch = s.a.slice(0, -2).reduce((x, y) => x * y, 1);
  return 2 * batch * m * n * k;
}

function use(config) {
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel(config);
}

/** Mean ms per call over `reps` calls after 2 warm-up calls; also the last result's values. */
function time(s, a, b, reps) {
  let values = null;
  for (let i = 0; i < reps + 2; i++) {
    const bi = s.freshB ? tf.add(b, 0) : b;
    const t0 = performance.now();
    const c = tf.matMul(a, bi, s.tA, s.tB);
    if (i >= 2) time.spent += performance.now() - t0;
    if (i === reps + 1) values = c.dataSync();
    c.dispose();
    if (bi !== b) bi.dispose();
  }
  const ms = time.spent / reps;
  time.spent = 0;
  return { ms, values };
}
time.spent = 0;

async function main() {
  // BENCH_REPS: timed calls per row for the seqrec kernel (the stock one gets a quarter);
  // BENCH_ONLY: run only the rows whose name contains this text.
  const reps = Number(process.env.BENCH_REPS ?? 10);
  const report = await initBackend({ backend: 'wasm' });
  const ours = tf.getKernel('BatchMatMul', 'wasm');
  const stock = stockWasmBatchMatMul();
  if (!report.kernels.some((k) => k.startsWith('BatchMatMul'))) {
    throw new Error(`seqrec BatchMatMul is not active: ${report.kernelNotes.join('; ')}`);
  }
  console.log(
    `tfjs ${report.tfjsVersion}, wasm backend, ${reps} timed calls per row (stock: ${Math.max(2, reps >> 2)})`,
  );
  console.log('| shape (B=128) | stock tfjs-wasm ms | GFLOP/s | seqrec kernel ms | GFLOP/s | speed-up | max |diff| |');
  console.log('|---|---|---|---|---|---|---|');
  const only = process.env.BENCH_ONLY;
  for (const s of SHAPES.filter((x) => only === undefined || x.name.includes(only))) {
    const a = tf.randomUniform(s.a, -1, 1);
    const b = tf.randomUniform(s.b, -1, 1);
    use(stock);
    const base = time(s, a, b, Math.max(2, reps >> 2));
    use(ours);
    const fast = time(s, a, b, reps);
    let diff = 0;
    for (let i = 0; i < base.values.length; i++) diff = Math.max(diff, Math.abs(base.values[i] - fast.values[i]));
    const gf = (ms) => (flops(s) / ms / 1e6).toFixed(1);
    console.log(
      `| ${s.name} | ${base.ms.toFixed(2)} | ${gf(base.ms)} | ${fast.ms.toFixed(2)} | ${gf(fast.ms)} | ` +
        `${(base.ms / fast.ms).toFixed(1)}x | ${diff.toExponential(1)} |`,
    );
    a.dispose();
    b.dispose();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
