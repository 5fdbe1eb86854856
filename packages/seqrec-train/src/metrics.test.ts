import { initBackend, tf } from '@seqrec/runtime';
import { metricsFromRanks } from './metrics';
import { fullRanks, sampledRanks } from './rank';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('metric math', () => {
  it('matches hand-computed values', () => {
    // ranks 0, 1, 9, 10: HR@10 = 3/4; NDCG@10 = (1 + 1/log2(3) + 1/log2(11)) / 4; MRR = (1 + 1/2 + 1/10 + 1/11) / 4
    const m = metricsFromRanks([0, 1, 9, 10], [10]);
    expect(m['HR@10']).toBeCloseTo(0.75, 12);
    expect(m['NDCG@10']).toBeCloseTo((1 + 1 / Math.log2(3) + 1 / Math.log2(11)) / 4, 12);
    expect(m['MRR']).toBeCloseTo((1 + 0.5 + 0.1 + 1 / 11) / 4, 12);
    expect(Object.keys(metricsFromRanks([0], [5, 10]))).toEqual(['NDCG@5', 'NDCG@10', 'HR@5', 'HR@10', 'MRR']);
  });
});

describe('on-device ranks (tie-pessimistic)', () => {
  it('sampled: all-equal scores give the worst rank, a clear winner rank 0', async () => {
    const scores = tf.tensor2d([
      [1, 1, 1, 1],
      [5, 1, 2, 3],
      [2, 3, 1, 2],
      [NaN, 0, 0, 0],
    ]);
    expect(Array.from(await sampledRanks(scores).data())).toEqual([3, 0, 2, 3]);
    expect(metricsFromRanks([3, 3], [1])['HR@1']).toBe(0);
  });

  it('full: excludes the history (never the target) and column 0; ties count against the target', async () => {
    // 5 items (ids 1..5), column 0 = padding with -Infinity as scoreAll gives it.
    const scores = tf.tensor2d([
      [-Infinity, 1, 1, 1, 1, 1], // all equal: target 2, nothing excluded -> rank 4 (worst)
      [-Infinity, 9, 8, 1, 0, 0], // target 3, history {1, 2} excluded -> only 4, 5 compete -> rank 0
      [-Infinity, 9, 8, 1, 0, 0], // target 3 also in history: still ranked, 1 and 2 excluded -> rank 0
      [-Infinity, 0, 0, NaN, 0, 0], // NaN target -> worst rank 4
    ]);
    const ranks = fullRanks(scores, Int32Array.from([2, 3, 3, 3]), [
      new Int32Array(0),
      Int32Array.from([1, 2]),
      Int32Array.from([1, 2, 3]),
      new Int32Array(0),
    ]);
    expect(Array.from(await ranks.data())).toEqual([4, 0, 0, 4]);
  });
});
