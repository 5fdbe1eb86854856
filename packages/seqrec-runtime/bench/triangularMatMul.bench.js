/**
 * Benchmark (not a test): causal attention's six T x T products, dense (`tf.matMul`) against the
 * triangle hints of `triangularMatMul` (the kernel skips the tiles above the diagonal), on the
 * wasm backend, taking turns so load affects both alike. B = 128, T = 200, one head of dh = 50
 * (SASRec's default) unless BENCH_DH says otherwise. Median ms per call over BENCH_REPS rounds.
 * Then TiSASRec's interval gather and scatter-add (S 256 buckets), over the square (tf.gather,
 * tf.unsortedSegmentSum) against the lower triangle (gatherLowerTriangle, scatterLowerTriangle).
 * `npm run bench:triangles -w @seqrec/runtime`.
 */
'use strict';
const {
  tf,
  initBackend,
  triangularMatMul,
  TRIANGLE,
  gatherLowerTriangle,
  scatterLowerTriangle,
} = require('../dist/index.js');

const B = 128;
const T = 200;
const DH = Number(process.env.BENCH_DH ?? 50);
const REPS = Number(process.env.BENCH_REPS ?? 7);

// [name, a shape, b shape, transA, transB, triangle]: forward, then the gradients' products.
const PRODUCTS = [
  ['scores Q K^T', [B, 1, T, DH], [B, 1, T, DH], false, true, TRIANGLE.lowerOutput],
  ['out P V', [B, 1, T, T], [B, 1, T, DH], false, false, TRIANGLE.lowerA],
  ['dP = dO V^T', [B, 1, T, DH], [B, 1, T, DH], false, true, TRIANGLE.lowerOutput],
  ['dV = P^T dO', [B, 1, T, T], [B, 1, T, DH], true, false, TRIANGLE.upperA],
  ['dQ = dS K', [B, 1, T, T], [B, 1, T, DH], false, false, TRIANGLE.lowerA],
  ['dK = dS^T Q', [B, 1, T, T], [B, 1, T, DH], true, false, TRIANGLE.upperA],
];

/** Lower-triangular [.., T, T] (the weights / dS the products see), else uniform values. */
function input(shape) {
  const x = tf.randomUniform(shape, -1, 1);
  if (shape[shape.length - 1] !== T) return x;
  const lower = tf.linalg.bandPart(tf.ones([T, T]), -1, 0);
  const out = tf.mul(x, lower);
  tf.dispose([x, lower]);
  return out;
}

function median(xs) {
  const s = [...xs].sort((x, y) => x - y);
  return s[s.length >> 1];
}

async function main() {
  const report = await initBackend({ backend: 'wasm' });
  if (!report.kernels.some((k) => k.startsWith('BatchMatMul'))) throw new Error('seqrec BatchMatMul is not active');
  console.log(`wasm, B ${B}, T ${T}, dh ${DH}, median of ${REPS} alternating calls`);
  console.log('| product | dense ms | triangle ms | triangle / dense |');
  console.log('|---|---|---|---|');
  let dense = 0;
  let tri = 0;
  for (const [name, aShape, bShape, tA, tB, triangle] of PRODUCTS) {
    const a = input(aShape);
    const b = input(bShape);
    const times = { dense: [], tri: [] };
    for (let r = 0; r < REPS + 1; r++) {
      for (const kind of ['dense', 'tri']) {
        const t0 = performance.now();
        const c = kind === 'dense' ? tf.matMul(a, b, tA, tB) : triangularMatMul(a, b, tA, tB, triangle);
        const ms = performance.now() - t0;
        c.dispose();
        if (r > 0) times[kind].push(ms);
      }
    }
    const d = median(times.dense);
    const t = median(times.tri);
    dense += d;
    tri += t;
    console.log(`| ${name} | ${d.toFixed(1)} | ${t.toFixed(1)} | ${(t / d).toFixed(2)} |`);
    tf.dispose([a, b]);
  }
  console.log(`| all six | ${dense.toFixed(1)} | ${tri.toFixed(1)} | ${(tri / dense).toFixed(2)} |`);

  const S = 257;
  const ids = new Int32Array(B * T * T);
  for (let row = 0; row < B * T; row++) {
    const i = row % T;
    for (let j = 0; j < T; j++) ids[row * T + j] = row * S + Math.min(S - 1, Math.abs(i - j));
  }
  const index = tf.tensor4d(ids, [B, 1, T, T], 'int32');
  const flatIndex = index.reshape([-1]);
  const table = tf.randomNormal([B * T * S]);
  const weights = input([B, 1, T, T]);
  const flatWeights = weights.reshape([-1]);
  const ops = [
    ['interval gather', () => tf.gather(table, index), () => gatherLowerTriangle(table, index)],
    [
      'interval scatter-add',
      () => tf.unsortedSegmentSum(flatWeights, flatIndex, B * T * S),
      () => scatterLowerTriangle(weights, index, B * T * S),
    ],
  ];
  for (const [name, denseOp, lowerOp] of ops) {
    const times = { dense: [], tri: [] };
    for (let r = 0; r < REPS + 1; r++) {
      for (const [kind, op] of [
        ['dense', denseOp],
        ['tri', lowerOp],
      ]) {
        const t0 = performance.now();
        op().dispose();
        if (r > 0) times[kind].push(performance.now() - t0);
      }
    }
    const d = median(times.dense);
    const t = median(times.tri);
    console.log(`| ${name} (S ${S - 1}) | ${d.toFixed(1)} | ${t.toFixed(1)} | ${(t / d).toFixed(2)} |`);
  }
  tf.dispose([index, flatIndex, table, weights, flatWeights]);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
