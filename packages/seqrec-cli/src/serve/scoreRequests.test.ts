import { createModel, recommend, type Recommendation } from '@seqrec/models';
import { initBackend, tf } from '@seqrec/runtime';
import { scoreRequests, type ScoringRequest } from './scoreRequests';
import { UserFeatureCache } from './UserFeatureCache';

function expectSame(got: Recommendation[], want: Recommendation[]): void {
  expect(got.map((r) => Array.from(r.items))).toEqual(want.map((r) => Array.from(r.items)));
  got.forEach((r, i) => r.scores.forEach((s, j) => expect(Math.abs(s - want[i]!.scores[j]!)).toBeLessThan(1e-5)));
}

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

it.each(['sasrec', 'tisasrec'] as const)(
  '%s: known users scored from cached features equal recommend() of their histories, before and after caching',
  async (kind) => {
    const model = createModel(
      { kind, numItems: 40, maxlen: 12, hiddenUnits: 8, numBlocks: 2, numHeads: 2, timeSpan: 16, timeUnit: 'hour' },
      { seed: 4 },
    );
    const timed = kind === 'tisasrec';
    const history = (n: number, seed: number) => ({
      items: Int32Array.from({ length: n }, (_, i) => 1 + ((seed * 7 + i * 5) % 40)),
      times: !timed ? null : Array.from({ length: n }, (_, i) => 3600 * (i * i + seed)),
    });
    // Users 1-3, one with more items than maxlen; user 2 twice with different k-relevant exclusions.
    const histories = [history(5, 1), history(20, 2), history(1, 3)];
    const requests: ScoringRequest[] = [
      { ...histories[0]!, user: 1 },
      { ...histories[1]!, user: 2, exclude: [3, 4, 999] },
      { ...histories[2]!, user: 3 },
      { ...histories[1]!, user: 2 },
      { items: Int32Array.from([9, 10]), times: !timed ? null : [0, 7200] }, // not a known user
    ];
    const want = await recommend(model, requests, 6);
    const cache = new UserFeatureCache(3, 8);
    const before = tf.memory().numTensors;
    expectSame(await scoreRequests(model, cache, requests, 6), want);
    expect([1, 2, 3].every((u) => cache.has(u))).toBe(true);
    expectSame(await scoreRequests(model, cache, requests, 6), want); // now from the cache
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  },
);
