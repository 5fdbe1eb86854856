/**
 * The `packed` batching: random batches (drawn as `random` draws them) laid out several users per
 * row. Each user's window, targets, negatives and interval block must be exactly those of the
 * same user in a row of its own; only the layout changes.
 */
import { type TrainBatch, TrainSampler, timeIntervalMatrix } from '@seqrec/data';
import { PrefetchSampler } from '@seqrec/data/node';
import { packRows } from './packRows';
import { syntheticSplit } from './test-utils/tinySplit';

/** Per user of a batch: its columns' seq, pos, neg and segment-local rel, read from the layout. */
function usersOf(b: TrainBatch): Map<number, { seq: number[]; pos: number[]; neg: number[]; rel: number[] | null }> {
  const T = b.length;
  const out = new Map<number, { seq: number[]; pos: number[]; neg: number[]; rel: number[] | null }>();
  let next = 0;
  for (let r = 0; r < b.size; r++) {
    let t = 0;
    while (t < T && b.seq[r * T + t] === 0) t++;
    expect(t).toBeLessThan(T); // no empty row
    while (t < T) {
      const slot = b.segments === null ? 1 : (b.segments[r * T + t] as number);
      let end = t;
      while (end < T && (b.segments === null || b.segments[r * T + end] === slot)) end++;
      const cols = Array.from({ length: end - t }, (_, k) => r * T + t + k);
      let rel: number[] | null = null;
      if (b.rel !== null) {
        rel = [];
        for (let i = t; i < end; i++) for (let j = t; j < end; j++) rel.push(b.rel[(r * T + i) * T + j] as number);
      }
      out.set(b.users[next++] as number, {
        seq: cols.map((c) => b.seq[c] as number),
        pos: cols.map((c) => b.pos[c] as number),
        neg: cols.map((c) => b.neg[c] as number),
        rel,
      });
      t = end;
    }
  }
  expect(next).toBe(b.users.length);
  return out;
}

describe('packRows', () => {
  it('places every user once, within the window, without overlaps, rows right-aligned', () => {
    const lengths = [3, 17, 1, 8, 8, 24, 2, 5, 11, 24, 7];
    const maxlen = 24;
    const p = packRows(lengths, maxlen);
    expect(p.length).toBeLessThanOrEqual(maxlen);
    const used = Array.from({ length: p.rows }, () => new Array<number>(p.length).fill(0));
    lengths.forEach((n, user) => {
      const { row, column } = p.placements[user]!;
      expect(column).toBeGreaterThanOrEqual(0);
      expect(column + n).toBeLessThanOrEqual(p.length);
      for (let k = column; k < column + n; k++) used[row]![k]! += 1;
    });
    for (const row of used) {
      expect(Math.max(...row)).toBe(1);
      expect(row[p.length - 1]).toBe(1); // every row ends with a real item
    }
    // It packs: fewer rows than users, and no more rows than a lower bound allows plus slack.
    const total = lengths.reduce((a, b) => a + b, 0);
    expect(p.rows).toBeLessThan(lengths.length);
    expect(p.rows * p.length).toBeGreaterThanOrEqual(total);
  });

  it('rejects a user longer than the window', () => {
    expect(() => packRows([4, 9], 8)).toThrow(RangeError);
  });
});

describe("TrainSampler, batching 'packed'", () => {
  const maxlen = 30;
  const split = syntheticSplit(400);

  it('draws the same random batches as one user per row and lays each user out identically', () => {
    const time = { unit: 'hour' as const, span: 50 };
    const packed = new TrainSampler(split, { maxlen, batchSize: 32, seed: 7, batching: 'packed', time });
    const random = new TrainSampler(split, { maxlen, batchSize: 32, seed: 7, batching: 'random', time });
    const pb = [...packed.epoch()];
    const rb = [...random.epoch()];
    expect(pb.length).toBe(rb.length);
    let rowsPacked = 0;
    let rowsRandom = 0;
    pb.forEach((b, i) => {
      const other = rb[i]!;
      // The same users in the same batch: drawn independently of their length.
      expect([...b.users].sort((x, y) => x - y)).toEqual([...other.users].sort((x, y) => x - y));
      rowsPacked += b.size * b.length;
      rowsRandom += other.size * other.length;
      const mine = usersOf(b);
      const theirs = usersOf({ ...other, segments: null });
      for (const [user, u] of mine) {
        const v = theirs.get(user)!;
        expect(u.seq).toEqual(v.seq);
        expect(u.pos).toEqual(v.pos);
        expect(u.rel).toEqual(v.rel);
        const train = new Set(split.users[user - 1]!.train);
        for (const n of u.neg) expect(train.has(n)).toBe(false);
        const times = split.users[user - 1]!.trainTimes!;
        const n = u.seq.length;
        const L = split.users[user - 1]!.train.length;
        const window = Array.from(times.slice(L - 1 - n, L - 1));
        expect(u.rel).toEqual(Array.from(timeIntervalMatrix(window, time)));
      }
    });
    // It saves padded positions (the point of packing).
    expect(rowsPacked).toBeLessThan(0.9 * rowsRandom);
  });

  it('is reproducible by seed and resumable; the prefetch worker yields the same batches', async () => {
    const opts = {
      maxlen,
      batchSize: 24,
      seed: 3,
      batching: 'packed' as const,
      time: { unit: 'day' as const, span: 9 },
    };
    const a = new TrainSampler(split, opts);
    const first = [...a.epoch()];
    expect(first.every((b) => b.segments !== null)).toBe(true);
    const saved = a.getState();
    const second = [...a.epoch()];
    const resumed = new TrainSampler(split, opts);
    resumed.setState(saved);
    expect([...resumed.epoch()]).toEqual(second);
    const prefetched = new PrefetchSampler(split, opts);
    try {
      const got: TrainBatch[] = [];
      for await (const b of prefetched.epoch()) got.push(b);
      expect(got).toEqual(first);
    } finally {
      await prefetched.close();
    }
  });
});
