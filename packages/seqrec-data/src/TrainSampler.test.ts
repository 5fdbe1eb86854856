import {
  type TrainBatch,
  TrainSampler,
  buildDataset,
  leaveOneOutSplit,
  parseInteractions,
  timeIntervalMatrix,
} from '@seqrec/data';
import { syntheticSplit, tinySplit } from './test-utils/tinySplit';

function row(b: TrainBatch, a: Int32Array, i: number): number[] {
  return Array.from(a.subarray(i * b.length, (i + 1) * b.length));
}

describe('TrainSampler', () => {
  it('right-aligns input and next items with left padding, newest maxlen kept', () => {
    const split = tinySplit();
    const sampler = new TrainSampler(split, {
      maxlen: 6,
      batchSize: 8,
      seed: 1,
      batching: 'random' as const,
      time: null,
    });
    expect(sampler.stepsPerEpoch).toBe(1);
    const [batch] = [...sampler.epoch()];
    // users 1 (train 1,2,3), 2 (train 6,7), 4 (train 9..18); user 3 has 1 train item: no sample
    expect(Array.from(batch.users).sort()).toEqual([1, 2, 4]);
    expect(batch.size).toBe(3);
    expect(batch.length).toBe(6);
    const i1 = Array.from(batch.users).indexOf(1);
    const i4 = Array.from(batch.users).indexOf(4);
    expect(row(batch, batch.seq, i1)).toEqual([0, 0, 0, 0, 1, 2]);
    expect(row(batch, batch.pos, i1)).toEqual([0, 0, 0, 0, 2, 3]);
    expect(row(batch, batch.seq, i4)).toEqual([12, 13, 14, 15, 16, 17]);
    expect(row(batch, batch.pos, i4)).toEqual([13, 14, 15, 16, 17, 18]);
    expect(batch.rel).toBeNull();
    const negs = row(batch, batch.neg, i1);
    expect(negs.slice(0, 4)).toEqual([0, 0, 0, 0]);
    for (const n of negs.slice(4)) expect([1, 2, 3, 0]).not.toContain(n);
  });

  it('draws negatives only from items outside the user train sequence', () => {
    const split = syntheticSplit(200);
    const sampler = new TrainSampler(split, {
      maxlen: 50,
      batchSize: 64,
      seed: 3,
      batching: 'bucketed' as const,
      time: null,
    });
    let rows = 0;
    for (const b of sampler.epoch()) {
      for (let i = 0; i < b.size; i++) {
        const train = new Set(split.users[b.users[i] - 1].train);
        for (let t = 0; t < b.length; t++) {
          const k = i * b.length + t;
          expect(b.neg[k] === 0).toBe(b.pos[k] === 0);
          if (b.neg[k] !== 0) expect(train.has(b.neg[k])).toBe(false);
        }
        rows++;
      }
    }
    expect(rows).toBe(split.users.filter((s) => s.train.length >= 2).length); // one sample per user
  });

  it('with bucketing, T is the longest real length rounded up to 8 (capped at maxlen)', () => {
    const split = syntheticSplit(300);
    const maxlen = 40;
    const sampler = new TrainSampler(split, {
      maxlen,
      batchSize: 32,
      seed: 5,
      batching: 'bucketed' as const,
      time: null,
    });
    const lengths: number[] = [];
    for (const b of sampler.epoch()) {
      let longest = 0;
      for (const u of b.users) longest = Math.max(longest, Math.min(split.users[u - 1].train.length - 1, maxlen));
      expect(b.length).toBe(Math.min(maxlen, Math.ceil(longest / 8) * 8));
      expect(b.seq.length).toBe(b.size * b.length);
      lengths.push(b.length);
    }
    expect(new Set(lengths).size).toBeGreaterThan(1);
    // batch order is shuffled, not sorted by length
    expect(lengths).not.toEqual([...lengths].sort((a, b) => a - b));
    const off = new TrainSampler(split, { maxlen, batchSize: 32, seed: 5, batching: 'random' as const, time: null });
    for (const b of off.epoch()) expect(b.length).toBe(maxlen);
  });

  it('adds per-row interval matrices of the input positions when time-aware', () => {
    const split = tinySplit();
    const sampler = new TrainSampler(split, {
      maxlen: 4,
      batchSize: 8,
      seed: 1,
      batching: 'random' as const,
      time: { unit: 'minute', span: 3 },
    });
    const [b] = [...sampler.epoch()];
    expect(b.rel?.length).toBe(b.size * 16);
    const i = Array.from(b.users).indexOf(1);
    const t = split.users[0].trainTimes!; // train 1,2,3 -> input 1,2 at times t[0], t[1]
    const expected = timeIntervalMatrix([t[0], t[1]], { unit: 'minute', span: 3 });
    const block = Array.from(b.rel!.subarray(i * 16, (i + 1) * 16));
    expect([block[10], block[11], block[14], block[15]]).toEqual(Array.from(expected));
  });

  it('is reproducible by seed, and a restored state continues identically', () => {
    const split = syntheticSplit(150);
    const opts = {
      maxlen: 20,
      batchSize: 16,
      seed: 9,
      batching: 'bucketed' as const,
      time: { unit: 'personal' as const, span: 64 },
    };
    const a = new TrainSampler(split, opts);
    const b = new TrainSampler(split, opts);
    expect([...a.epoch()]).toEqual([...b.epoch()]);
    const saved = JSON.parse(JSON.stringify(a.getState()));
    expect(saved.epoch).toBe(1);
    const next = [...a.epoch()];
    const resumed = new TrainSampler(split, opts);
    resumed.setState(saved);
    expect([...resumed.epoch()]).toEqual(next);
    expect([...resumed.epoch()]).not.toEqual(next); // epochs differ
  });

  it('rejects bad options and time-aware sampling without timestamps', () => {
    const split = tinySplit();
    expect(
      () => new TrainSampler(split, { maxlen: 0, batchSize: 1, seed: 1, batching: 'random' as const, time: null }),
    ).toThrow(RangeError);
    expect(
      () =>
        new TrainSampler(split, {
          maxlen: 4,
          batchSize: 1,
          seed: 1,
          batching: 'random' as const,
          time: { unit: 'day', span: 0 },
        }),
    ).toThrow(RangeError);
    const untimed = leaveOneOutSplit(buildDataset(parseInteractions('1 1\n1 2\n1 3\n', 'untimed.txt')));
    expect(
      () =>
        new TrainSampler(untimed, {
          maxlen: 4,
          batchSize: 1,
          seed: 1,
          batching: 'random' as const,
          time: { unit: 'day', span: 8 },
        }),
    ).toThrow('TrainSampler: time-aware sampling needs timestamps, but the dataset has none');
  });
});
