import { expectClose, largestDifference } from '@seqrec/test-utils';
import { initBackend } from '../selectBackend';
import { tf } from '../tf';
import { onBackend, seededValues } from './test-utils/backends';
import { WASM_BATCH_MATMUL, stockWasmBatchMatMul } from './wasmBatchMatMulActivation';

interface MatMulCase {
  a: number[];
  b: number[];
  transA: boolean;
  transB: boolean;
}

/** Shapes of op(A) = [m, k], op(B) = [k, n] stored according to the transpose flags. */
function stored(outer: number[], rows: number, cols: number, trans: boolean): number[] {
  return trans ? [...outer, cols, rows] : [...outer, rows, cols];
}

function makeCases(): MatMulCase[] {
  const cases: MatMulCase[] = [];
  const sizes = [1, 3, 7, 25, 33, 200];
  const flags: Array<[boolean, boolean]> = [
    [false, false],
    [false, true],
    [true, false],
    [true, true],
  ];
  // Every size in every role (m, n, k), with the other two small, under all transposes.
  for (const s of sizes) {
    for (const [m, n, k] of [
      [s, 5, 3],
      [4, s, 9],
      [6, 7, s],
      [s, s, 3],
    ]) {
      for (const [transA, transB] of flags) {
        cases.push({ a: stored([2], m, k, transA), b: stored([2], k, n, transB), transA, transB });
      }
    }
  }
  // Attention-like, linear-like (2-D, k beyond one 256 block), broadcast and rank-4 batches.
  for (const [transA, transB] of flags) {
    cases.push({ a: stored([3], 200, 25, transA), b: stored([3], 25, 200, transB), transA, transB });
    cases.push({ a: stored([], 333, 50, transA), b: stored([], 50, 50, transB), transA, transB });
    cases.push({ a: stored([], 50, 600, transA), b: stored([], 600, 33, transB), transA, transB });
    cases.push({ a: stored([4], 7, 25, transA), b: stored([1], 25, 9, transB), transA, transB });
    cases.push({ a: stored([1], 7, 25, transA), b: stored([4], 25, 9, transB), transA, transB });
    cases.push({ a: stored([4], 7, 25, transA), b: stored([], 25, 9, transB), transA, transB });
    cases.push({ a: stored([2, 3], 5, 8, transA), b: stored([2, 3], 8, 6, transB), transA, transB });
    cases.push({ a: stored([2, 3], 5, 8, transA), b: stored([1, 1], 8, 6, transB), transA, transB });
  }
  return cases;
}

function runCase(c: MatMulCase, seed: number): tf.Tensor {
  const a = tf.tensor(seededValues(tf.util.sizeFromShape(c.a), seed), c.a);
  const b = tf.tensor(seededValues(tf.util.sizeFromShape(c.b), seed + 1), c.b);
  return tf.matMul(a, b, c.transA, c.transB);
}

describe('wasm BatchMatMul (AssemblyScript SIMD kernel)', () => {
  afterAll(async () => {
    await initBackend({ backend: 'cpu' });
  });

  it('is active on the wasm backend after its start-up self-test', async () => {
    const report = await initBackend({ backend: 'wasm' });
    expect(report.kernelNotes).toEqual([]);
    expect(report.kernels).toContain(WASM_BATCH_MATMUL);
    expect(tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc).not.toBe(stockWasmBatchMatMul()?.kernelFunc);
  });

  it('matches the cpu backend on many shapes, transposes and batch broadcasts', async () => {
    const cases = makeCases();
    const wasm = [];
    await initBackend({ backend: 'wasm' });
    for (const [i, c] of cases.entries()) wasm.push((await onBackend('wasm', () => runCase(c, 3 * i)))[0]);
    for (const [i, c] of cases.entries()) {
      const cpu = (await onBackend('cpu', () => runCase(c, 3 * i)))[0];
      const diff = largestDifference(wasm[i], cpu, { relative: true }).value;
      if (!(diff <= 1e-4)) throw new Error(`case ${JSON.stringify(c)}: max relative diff ${diff}`);
    }
  });

  it('gives the shapes tfjs gives, including empty and k = 0 products', async () => {
    const shapes: Array<[number[], number[]]> = [
      [
        [2, 0],
        [0, 3],
      ],
      [
        [0, 4],
        [4, 3],
      ],
      [
        [2, 3, 0],
        [2, 0, 5],
      ],
      [
        [5, 4],
        [2, 4, 6],
      ],
    ];
    for (const [aShape, bShape] of shapes) {
      const run = (): tf.Tensor => tf.matMul(tf.ones(aShape), tf.ones(bShape));
      const shapeOn = async (backend: 'wasm' | 'cpu'): Promise<number[]> => {
        await initBackend({ backend });
        const t = run();
        const shape = t.shape;
        tf.dispose(t);
        return shape;
      };
      const [wasmValues] = await onBackend('wasm', run);
      const [cpuValues] = await onBackend('cpu', run);
      expect(await shapeOn('wasm')).toEqual(await shapeOn('cpu'));
      expect(Array.from(wasmValues)).toEqual(Array.from(cpuValues));
    }
  });

  it('leaves no tensors behind', async () => {
    await initBackend({ backend: 'wasm' });
    const before = tf.memory();
    tf.dispose(tf.tidy(() => runCase({ a: [2, 9, 5], b: [2, 7, 5], transA: false, transB: true }, 1)));
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numDataBuffers).toBe(before.numDataBuffers);
  });

  it('gives the gradients of a QK^T -> softmax -> PV attention chain that cpu gives', async () => {
    const [b, l, d] = [3, 25, 7];
    const q = seededValues(b * l * d, 11);
    const k = seededValues(b * l * d, 12);
    const v = seededValues(b * l * d, 13);
    const w = seededValues(b * l * d, 14);
    const chain = (): tf.Tensor[] => {
      const f = (qt: tf.Tensor, kt: tf.Tensor, vt: tf.Tensor): tf.Tensor => {
        const scores = tf.div(tf.matMul(qt, kt, false, true), Math.sqrt(d));
        const out = tf.matMul(tf.softmax(scores), vt);
        return tf.sum(tf.mul(out, tf.tensor3d(w, [b, l, d])));
      };
      const shape: [number, number, number] = [b, l, d];
      return tf.grads(f)([tf.tensor3d(q, shape), tf.tensor3d(k, shape), tf.tensor3d(v, shape)]);
    };
    const wasm = await onBackend('wasm', chain);
    const cpu = await onBackend('cpu', chain);
    expect(wasm).toHaveLength(3);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < cpu[i].length; j++) expect(Math.abs(wasm[i][j] - cpu[i][j])).toBeLessThanOrEqual(1e-4);
    }
  });

  it('gives the gradients of a dense layer (transposed 2-D products) that cpu gives', async () => {
    const x = seededValues(300 * 50, 21);
    const wt = seededValues(50 * 33, 22);
    const dense = (): tf.Tensor[] =>
      tf.grads((xt: tf.Tensor, wtt: tf.Tensor) => tf.sum(tf.square(tf.matMul(xt, wtt))))([
        tf.tensor2d(x, [300, 50]),
        tf.tensor2d(wt, [50, 33]),
      ]);
    const wasm = await onBackend('wasm', dense);
    const cpu = await onBackend('cpu', dense);
    for (let i = 0; i < 2; i++) expectClose(wasm[i], cpu[i], 1e-4, { relative: true });
  });
});
