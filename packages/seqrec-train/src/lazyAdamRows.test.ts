/**
 * Lazy Adam (lazyAdamRows.ts, through Adam with `lazy`) against a float64 reference written here
 * from the update rule, over steps that touch different rows; and against dense Adam on a step
 * that touches every row. The moments round-trip through getState/setState.
 */
import { initBackend, tf } from '@seqrec/runtime';
import { Adam } from './adam';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const [ROWS, D] = [5, 3];
const [B1, B2, EPS, LR] = [0.9, 0.98, 1e-8, 0.05];
const initial = Array.from({ length: ROWS * D }, (_, i) => Math.sin(i + 1));
// Per step: the rows touched and their gradients (row 0 never: the padding row of an item table).
const STEPS: Array<{ ids: number[]; g: number[] }> = [
  { ids: [1, 3], g: [0.5, -1, 0.25, 2, 0, -0.5] },
  { ids: [3], g: [-0.3, 0.7, 1.1] },
  { ids: [1, 2, 4], g: [0.1, 0.2, -0.3, 0, 0, 0, -2, 1, 0.5] }, // row 2: touched with a zero gradient
  { ids: [4], g: [0.4, -0.4, 0.9] },
];

/** The reference: float64, every row's own m and v, bias corrections with the global step. */
function reference(steps: typeof STEPS) {
  const w = [...initial];
  const m = new Array(ROWS * D).fill(0);
  const v = new Array(ROWS * D).fill(0);
  steps.forEach(({ ids, g }, s) => {
    const t = s + 1;
    ids.forEach((row, k) => {
      for (let j = 0; j < D; j++) {
        const [i, gj] = [row * D + j, g[k * D + j] as number];
        m[i] = B1 * m[i] + (1 - B1) * gj;
        v[i] = B2 * v[i] + (1 - B2) * gj * gj;
        const mHat = m[i] / (1 - B1 ** t);
        const vHat = v[i] / (1 - B2 ** t);
        w[i] = (w[i] as number) - (LR * mHat) / (Math.sqrt(vHat) + EPS);
      }
    });
  });
  return { w, m, v };
}

const rowsOf = (s: (typeof STEPS)[number]) =>
  new Map([['table', { ids: Int32Array.from(s.ids), values: Float32Array.from(s.g) }]]);

test('matches the float64 reference; untouched rows and their moments stay; state round-trips', async () => {
  const table = tf.variable(tf.tensor2d(initial, [ROWS, D]));
  const bias = tf.variable(tf.tensor1d([1, 2]));
  const before = tf.memory().numTensors;
  const adam = new Adam(
    new Map<string, tf.Variable>([
      ['table', table],
      ['bias', bias],
    ]),
    { beta1: B1, beta2: B2, epsilon: EPS, lazy: ['table'] },
  );
  for (const step of STEPS.slice(0, 2)) adam.apply(new Map(), LR, rowsOf(step));
  // Resume from the saved state into a fresh optimizer, as a checkpoint does.
  const state = await adam.getState();
  const resumed = new Adam(
    new Map<string, tf.Variable>([
      ['table', table],
      ['bias', bias],
    ]),
    { beta1: B1, beta2: B2, epsilon: EPS, lazy: ['table'] },
  );
  resumed.setState(state);
  for (const step of STEPS.slice(2)) resumed.apply(new Map(), LR, rowsOf(step));
  const want = reference(STEPS);
  const got = table.dataSync();
  want.w.forEach((x, i) => expect(Math.abs((got[i] as number) - x)).toBeLessThan(1e-6));
  const saved = (await resumed.getState()).moments.get('table')!;
  want.m.forEach((x, i) => expect(Math.abs((saved.m[i] as number) - x)).toBeLessThan(1e-7));
  want.v.forEach((x, i) => expect(Math.abs((saved.v[i] as number) - x)).toBeLessThan(1e-7));
  // Row 0 was never touched: the weights are the initial ones, bit for bit, and the moments 0.
  expect(Array.from(got.slice(0, D))).toEqual(Array.from(Float32Array.from(initial.slice(0, D))));
  expect(Array.from(saved.m.slice(0, D))).toEqual([0, 0, 0]);
  // Not vacuous: dense Adam, which also moves untouched rows by their momentum, differs (row 3
  // is untouched at steps 3 and 4), and agrees on row 1 only until its first untouched step.
  const denseTable = tf.tidy(() => tf.variable(tf.tensor2d(initial, [ROWS, D])));
  const dense = new Adam(new Map([['table', denseTable]]), { beta1: B1, beta2: B2, epsilon: EPS });
  for (const { ids, g } of STEPS) {
    const full = new Float32Array(ROWS * D);
    ids.forEach((row, k) => full.set(g.slice(k * D, (k + 1) * D), row * D));
    const gt = tf.tensor2d(full, [ROWS, D]);
    dense.apply(new Map([['table', gt]]), LR);
    gt.dispose();
  }
  const denseGot = denseTable.dataSync();
  expect(Math.abs((got[3 * D] as number) - (denseGot[3 * D] as number))).toBeGreaterThan(1e-3);
  dense.dispose();
  denseTable.dispose();
  expect(Array.from(bias.dataSync())).toEqual([1, 2]); // no gradient given: unchanged
  [adam, resumed].forEach((a) => a.dispose());
  expect(tf.memory().numTensors).toBe(before); // no leak: updates, state round trip, dispose
  tf.dispose([table, bias]);
});

test('a step that touches every row equals dense Adam on tf kernels (float32 rounding apart)', () => {
  const lazyTable = tf.variable(tf.tensor2d(initial, [ROWS, D]));
  const denseTable = tf.variable(tf.tensor2d(initial, [ROWS, D]));
  const lazy = new Adam(new Map([['t', lazyTable]]), { lazy: ['t'] });
  const dense = new Adam(new Map([['t', denseTable]]), { denseUpdate: 'kernels' });
  const ids = Int32Array.from({ length: ROWS }, (_, i) => i);
  for (let s = 0; s < 3; s++) {
    const g = Float32Array.from({ length: ROWS * D }, (_, i) => Math.cos(i * (s + 2)));
    lazy.apply(new Map(), LR, new Map([['t', { ids, values: g }]]));
    const gt = tf.tensor2d(g, [ROWS, D]);
    dense.apply(new Map([['t', gt]]), LR);
    gt.dispose();
  }
  const [a, b] = [lazyTable.dataSync(), denseTable.dataSync()];
  a.forEach((x, i) => expect(Math.abs(x - (b[i] as number))).toBeLessThan(1e-6));
  [lazy, dense].forEach((o) => o.dispose());
  tf.dispose([lazyTable, denseTable]);
});

test('refuses a dense gradient for a lazy weight, a row out of range, both gradients for one weight, rows for a non-table', () => {
  const t = tf.variable(tf.zeros([2, 2]));
  const adam = new Adam(new Map([['t', t]]), { lazy: ['t'] });
  const g = tf.zeros([2, 2]);
  expect(() => adam.apply(new Map([['t', g]]), LR)).toThrow(/lazy/);
  expect(() =>
    adam.apply(new Map(), LR, new Map([['t', { ids: Int32Array.of(2), values: new Float32Array(2) }]])),
  ).toThrow(/row 2/);
  expect(() =>
    adam.apply(new Map(), LR, new Map([['t', { ids: Int32Array.of(1, 1), values: new Float32Array(4) }]])),
  ).toThrow(/twice/);
  expect(adam.step).toBe(0); // a refused update changes nothing
  const b = tf.variable(tf.zeros([2]));
  const denseAdam = new Adam(
    new Map<string, tf.Variable>([
      ['t', t],
      ['b', b],
    ]),
  );
  const row = { ids: Int32Array.of(0), values: new Float32Array(2) };
  expect(() => denseAdam.apply(new Map([['t', g]]), LR, new Map([['t', row]]))).toThrow(/both/);
  expect(() => denseAdam.apply(new Map(), LR, new Map([['b', row]]))).toThrow(/not a \[rows, d\] table/);
  expect(denseAdam.step).toBe(0);
  tf.dispose([t, g, b]);
  [adam, denseAdam].forEach((o) => o.dispose());
});

test.each(['host', 'kernels'] as const)(
  'dense Adam (%s) from rows equals dense Adam from the dense gradient: every row moves',
  (denseUpdate) => {
    const fromRows = tf.variable(tf.tensor2d(initial, [ROWS, D]));
    const fromDense = tf.variable(tf.tensor2d(initial, [ROWS, D]));
    const a = new Adam(new Map([['t', fromRows]]), { denseUpdate });
    const b = new Adam(new Map([['t', fromDense]]), { denseUpdate: 'kernels' });
    const before = tf.memory().numTensors;
    for (const s of STEPS) {
      a.apply(new Map(), LR, new Map([['t', rowsOf(s).get('table')!]]));
      const full = new Float32Array(ROWS * D); // written here, independently of Adam's scatter
      s.ids.forEach((row, k) => s.g.slice(k * D, (k + 1) * D).forEach((x, j) => (full[row * D + j] = x)));
      const gt = tf.tensor2d(full, [ROWS, D]);
      b.apply(new Map([['t', gt]]), LR);
      gt.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    const [x, y] = [fromRows.dataSync(), fromDense.dataSync()];
    x.forEach((value, i) => expect(Math.abs(value - (y[i] as number))).toBeLessThan(1e-6));
    // Not lazy Adam: row 1, untouched in steps 2 and 4, moved by its momentum there.
    const lazy = reference(STEPS).w;
    expect(Math.abs((x[D] as number) - (lazy[D] as number))).toBeGreaterThan(1e-3);
    [a, b].forEach((o) => o.dispose());
    tf.dispose([fromRows, fromDense]);
  },
);
