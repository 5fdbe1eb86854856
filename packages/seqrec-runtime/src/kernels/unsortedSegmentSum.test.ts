import { expectClose } from '@seqrec/test-utils';
import { initBackend } from '../selectBackend';
import { tf } from '../tf';
import { onBackend, seededValues } from './test-utils/backends';
import { segmentSumInto } from './unsortedSegmentSum';

const N = 300;
const D = 7;
const SEGMENTS = 40;

/** Ids with many repeats, plus ids outside [0, SEGMENTS) that must be dropped. */
function segmentIds(): Int32Array {
  const ids = new Int32Array(N);
  const r = seededValues(N, 5, 0, 1);
  for (let i = 0; i < N; i++) ids[i] = Math.floor(r[i] * (SEGMENTS + 10)) - 5;
  return ids;
}

describe('UnsortedSegmentSum on wasm and cpu', () => {
  afterAll(async () => {
    await initBackend({ backend: 'cpu' });
  });

  const x = seededValues(N * D, 3);
  const ids = segmentIds();

  it('sums repeated ids and drops out-of-range ones (reference)', () => {
    const want = new Float32Array(SEGMENTS * D);
    for (let r = 0; r < N; r++) {
      if (ids[r] < 0 || ids[r] >= SEGMENTS) continue;
      for (let c = 0; c < D; c++) want[ids[r] * D + c] += x[r * D + c];
    }
    const got = new Float32Array(SEGMENTS * D);
    segmentSumInto(x, ids, D, SEGMENTS, got);
    expectClose(got, want, 1e-6, { relative: true });
    expect(ids.some((id) => id < 0) && ids.some((id) => id >= SEGMENTS)).toBe(true);
  });

  it('gives the same result on wasm as on cpu', async () => {
    const run = (): tf.Tensor => tf.unsortedSegmentSum(tf.tensor2d(x, [N, D]), tf.tensor1d(ids, 'int32'), SEGMENTS);
    const [wasm] = await onBackend('wasm', run);
    const [cpu] = await onBackend('cpu', run);
    expect(wasm).toHaveLength(SEGMENTS * D);
    expectClose(wasm, cpu, 1e-6, { relative: true });
  });

  it('gives the same gradient of tf.gather on wasm as on cpu', async () => {
    const table = seededValues(SEGMENTS * D, 8);
    const rows = ids.map((id) => ((id % SEGMENTS) + SEGMENTS) % SEGMENTS);
    const weights = seededValues(N * D, 9);
    const grad = (): tf.Tensor =>
      tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, tf.tensor1d(rows, 'int32')), tf.tensor2d(weights, [N, D]))))(
        tf.tensor2d(table, [SEGMENTS, D]),
      );
    const [wasm] = await onBackend('wasm', grad);
    const [cpu] = await onBackend('cpu', grad);
    expect(wasm).toHaveLength(SEGMENTS * D);
    expectClose(wasm, cpu, 1e-5, { relative: true });
  });
});
