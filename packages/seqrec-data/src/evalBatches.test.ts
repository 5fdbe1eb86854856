import { Random, evalBatches, sampleEvalCandidates, timeIntervalMatrix } from '@seqrec/data';
import { syntheticSplit, tinySplit } from './test-utils/tinySplit';

describe('evalBatches', () => {
  const split = tinySplit(); // users 1 (train 1,2,3 | 4 | 5), 2 and 3 (< 3 interactions), 4 (train 9..18 | 19 | 20)

  it('valid: input = train, target = valid item, seen = train', () => {
    const [b] = [
      ...evalBatches(split, { split: 'valid', maxlen: 5, batchSize: 10, bucketing: false, time: null, seed: 0 }),
    ];
    expect(Array.from(b.users)).toEqual([1, 4]); // only users with >= 3 interactions
    expect(b.length).toBe(5);
    expect(Array.from(b.seq)).toEqual([0, 0, 1, 2, 3, 14, 15, 16, 17, 18]);
    expect(Array.from(b.targets)).toEqual([4, 19]);
    expect(b.seen.map((s) => Array.from(s))).toEqual([
      [1, 2, 3],
      [9, 10, 11, 12, 13, 14, 15, 16, 17, 18],
    ]);
    expect(b.rel).toBeNull();
  });

  it('test: input = train + valid item (newest maxlen), target = test item', () => {
    const [b] = [
      ...evalBatches(split, { split: 'test', maxlen: 5, batchSize: 10, bucketing: false, time: null, seed: 0 }),
    ];
    expect(Array.from(b.seq)).toEqual([0, 1, 2, 3, 4, 15, 16, 17, 18, 19]);
    expect(Array.from(b.targets)).toEqual([5, 20]);
    expect(Array.from(b.seen[0])).toEqual([1, 2, 3, 4]);
  });

  it('adds interval matrices of the input timestamps when time-aware', () => {
    const time = { unit: 'minute' as const, span: 1000 };
    const [b] = [...evalBatches(split, { split: 'test', maxlen: 4, batchSize: 1, bucketing: false, time, seed: 0 })];
    const u1 = split.users[0];
    const times = [...u1.trainTimes!, u1.validTime];
    expect(Array.from(b.rel!)).toEqual(Array.from(timeIntervalMatrix(times, time)));
  });

  it('buckets by input length and samples at most evalUsers users, by seed', () => {
    const big = syntheticSplit(400);
    const opts = {
      split: 'valid' as const,
      maxlen: 50,
      batchSize: 32,
      bucketing: true,
      time: null,
      seed: 4,
      evalUsers: 100,
    };
    const batches = evalBatches(big, opts);
    expect(batches.numUsers).toBe(100);
    const all = [...batches];
    expect(all.length).toBe(batches.numBatches);
    expect([...evalBatches(big, opts)]).toEqual(all); // deterministic and re-iterable
    const users = all.flatMap((b) => Array.from(b.users));
    expect(new Set(users).size).toBe(100);
    for (const b of all) {
      let longest = 0;
      for (const u of b.users) longest = Math.max(longest, Math.min(big.users[u - 1].train.length, 50));
      expect(b.length).toBe(Math.min(50, Math.ceil(longest / 8) * 8));
    }
    const other = [...evalBatches(big, { ...opts, seed: 5 })].flatMap((b) => Array.from(b.users));
    expect(new Set(other)).not.toEqual(new Set(users));
  });
});

describe('sampleEvalCandidates', () => {
  it('puts the target first and draws negatives outside train and target, with replacement, by seed', () => {
    const split = syntheticSplit(100);
    const [b] = [
      ...evalBatches(split, { split: 'test', maxlen: 20, batchSize: 16, bucketing: false, time: null, seed: 0 }),
    ];
    const cands = sampleEvalCandidates(split, b, 'test', 100, new Random(1));
    expect(cands.length).toBe(b.size * 101);
    for (let i = 0; i < b.size; i++) {
      const row = cands.subarray(i * 101, (i + 1) * 101);
      expect(row[0]).toBe(b.targets[i]);
      const train = new Set(split.users[b.users[i] - 1].train);
      for (const x of row.subarray(1)) {
        expect(x).not.toBe(b.targets[i]);
        expect(train.has(x)).toBe(false);
        expect(x >= 1 && x <= split.dataset.numItems).toBe(true);
      }
    }
    expect(sampleEvalCandidates(split, b, 'test', 100, new Random(1))).toEqual(cands);
    expect(() => sampleEvalCandidates(split, b, 'valid', 100, new Random(1))).toThrow(/valid item/);
  });
});
