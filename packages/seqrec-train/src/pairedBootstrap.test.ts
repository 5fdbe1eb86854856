import { bootstrapInterval, compareRanks, parseRanksCsv, splitmix32 } from './pairedBootstrap';

const csv = (ranks: Record<string, number>) =>
  ['split,protocol,user,rank', ...Object.entries(ranks).map(([u, r]) => `test,full,${u},${r}`)].join('\n');

test('a model that ranks every target first beats one that never hits the top 10, with an interval above 0', () => {
  const users = Array.from({ length: 50 }, (_, i) => `u${i}`);
  const a = parseRanksCsv(csv(Object.fromEntries(users.map((u) => [u, 30]))), 'a.csv');
  const b = parseRanksCsv(csv(Object.fromEntries(users.map((u) => [u, 0]))), 'b.csv');
  const [ndcg, hr] = compareRanks(a, b, { resamples: 200 });
  expect(ndcg).toMatchObject({ group: 'test,full', users: 50, unpaired: 0, metric: 'NDCG@10', meanA: 0, meanB: 1 });
  expect([ndcg!.low, ndcg!.high]).toEqual([1, 1]); // every user gains exactly 1
  expect(hr).toMatchObject({ metric: 'HR@10', meanA: 0, meanB: 1 });
});

test('equal models give an interval around 0; only users in both files are paired', () => {
  const ranks = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`u${i}`, i % 15]));
  const a = parseRanksCsv(csv(ranks), 'a.csv');
  const b = parseRanksCsv(csv({ ...ranks, extra: 3 }), 'b.csv');
  const [ndcg] = compareRanks(a, b, { resamples: 200, k: 5 });
  expect(ndcg).toMatchObject({ users: 40, unpaired: 1, metric: 'NDCG@5' });
  expect(ndcg!.meanA).toBeCloseTo(ndcg!.meanB, 12);
  expect(ndcg!.low).toBeLessThanOrEqual(0);
  expect(ndcg!.high).toBeGreaterThanOrEqual(0);
});

test('the interval is the 2.5% and 97.5% quantile of seeded resampled means, the same for the same seed', () => {
  const diffs = Array.from({ length: 100 }, (_, i) => (i % 10) / 10 - 0.3);
  const first = bootstrapInterval(diffs, 1000, splitmix32(7));
  expect(bootstrapInterval(diffs, 1000, splitmix32(7))).toEqual(first);
  const mean = diffs.reduce((s, x) => s + x, 0) / diffs.length;
  expect(first[0]).toBeLessThan(mean);
  expect(first[1]).toBeGreaterThan(mean);
  expect(first[1] - first[0]).toBeLessThan(0.2);
});

test('a file without the header or with a bad line is refused, naming the line', () => {
  expect(() => parseRanksCsv('user,rank\nu1,3', 'x.csv')).toThrow(/x\.csv:1: expected the header/);
  expect(() => parseRanksCsv('split,protocol,user,rank\ntest,full,u1,three', 'x.csv')).toThrow(/x\.csv:2: expected/);
});
