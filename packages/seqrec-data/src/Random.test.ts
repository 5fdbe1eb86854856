import { Random } from '@seqrec/data';

describe('Random', () => {
  it('is deterministic by seed and differs across nearby seeds', () => {
    const a = new Random(42);
    const b = new Random(42);
    const c = new Random(43);
    const xs = Array.from({ length: 8 }, () => a.nextUint32());
    expect(Array.from({ length: 8 }, () => b.nextUint32())).toEqual(xs);
    expect(Array.from({ length: 8 }, () => c.nextUint32())).not.toEqual(xs);
  });

  it('keeps values in range and nextInt roughly uniform', () => {
    const rng = new Random(1);
    const counts = new Array(10).fill(0);
    let inRange = true;
    for (let i = 0; i < 100000; i++) {
      const f = rng.nextFloat();
      inRange &&= f >= 0 && f < 1;
      counts[rng.nextInt(10)]++;
    }
    expect(inRange).toBe(true);
    for (const n of counts) expect(Math.abs(n - 10000)).toBeLessThan(500);
    expect(() => rng.nextInt(0)).toThrow(RangeError);
  });

  it('shuffles in place into a permutation', () => {
    const arr = Array.from({ length: 50 }, (_, i) => i);
    const out = new Random(3).shuffle(arr);
    expect(out).toBe(arr);
    expect([...arr].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(arr).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('resumes identically from a JSON round trip of its state', () => {
    const rng = new Random(7);
    rng.nextUint32();
    const saved = JSON.parse(JSON.stringify(rng.getState()));
    const expected = Array.from({ length: 5 }, () => rng.nextInt(1000));
    const resumed = Random.fromState(saved);
    expect(Array.from({ length: 5 }, () => resumed.nextInt(1000))).toEqual(expected);
    expect(() => rng.setState({ algorithm: 'sfc32', state: [1, 2, 3] } as never)).toThrow(TypeError);
  });
});
