import { parseShard, shardUsers } from './shard';

it('the n shards cover every user exactly once, in contiguous near-equal slices', () => {
  for (const [users, count] of [
    [10, 3],
    [7, 7],
    [3, 5],
    [1000, 8],
  ] as const) {
    const seen: number[] = [];
    for (let index = 1; index <= count; index++) {
      const { first, end } = shardUsers(users, { index, count });
      expect(end - first).toBeGreaterThanOrEqual(Math.floor(users / count));
      expect(end - first).toBeLessThanOrEqual(Math.ceil(users / count));
      for (let u = first; u < end; u++) seen.push(u);
    }
    expect(seen).toEqual(Array.from({ length: users }, (_, i) => i + 1));
  }
});

it('parses i/n and names the flag when it is wrong', () => {
  expect(parseShard('2/5')).toEqual({ index: 2, count: 5 });
  for (const bad of ['0/3', '4/3', '1/0', 'x', '1-3', ''])
    expect(() => parseShard(bad)).toThrow(/--shard must be i\/n/);
});
