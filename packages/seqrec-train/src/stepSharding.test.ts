import { resolveTrainOptions } from './options';
import { worthSharding } from './stepSharding';

// The per-step shapes of the measured epochs (packed batches of 128 users, d 50): mean rows and
// width of a step and the model's parameters; docs/PERFORMANCE.md "Workers per step".
const AMAZON = { size: 17, length: 48 }; // 1.22 M parameters: 2 threads were 1.8x slower
const ML100K = { size: 101, length: 50 }; // 0.11 M: 2 threads 1.37x faster
const ML1M = { size: 67, length: 200 }; // 0.24 M: 2 threads 1.63x faster

it('shards the long-history steps it was measured faster on, not the short-history ones', () => {
  expect(worthSharding(AMAZON, 50, 1_220_000)).toBe(false);
  expect(worthSharding(ML100K, 50, 110_000)).toBe(true);
  expect(worthSharding(ML1M, 50, 242_000)).toBe(true);
});

it('a wider model or a smaller catalogue makes the same step worth sharding', () => {
  expect(worthSharding(AMAZON, 256, 1_220_000 * 5)).toBe(false); // the exchange grows with it
  expect(worthSharding(AMAZON, 256, 300_000)).toBe(true);
  expect(worthSharding(AMAZON, 50, 10_000)).toBe(false);
  expect(worthSharding({ size: 1, length: 8 }, 50, 0)).toBe(false);
});

it("workers: 'auto' (the default) leaves the decision to the step; a number shards every step", () => {
  expect(resolveTrainOptions({ trainDir: 'a' }).shardEveryStep).toBe(false);
  expect(resolveTrainOptions({ trainDir: 'a', workers: 'auto' }).shardEveryStep).toBe(false);
  expect(resolveTrainOptions({ trainDir: 'a', workers: 2 })).toMatchObject({ workers: 2, shardEveryStep: true });
  expect(() => resolveTrainOptions({ trainDir: 'a', workers: 0 })).toThrow(/workers/);
});
