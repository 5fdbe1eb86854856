import { personalTimeScale, timeIntervalMatrix } from '@seqrec/data';

describe('time intervals', () => {
  it('computes floor(|dt| / unit) clipped at span for fixed units', () => {
    const t = [0, 59, 120, 7200];
    expect(Array.from(timeIntervalMatrix(t, { unit: 'minute', span: 100 }))).toEqual([
      0,
      0,
      2,
      100, // 7200 s = 120 minutes, clipped at 100
      0,
      0,
      1,
      100,
      2,
      1,
      0,
      100,
      100,
      100,
      100,
      0,
    ]);
    expect(Array.from(timeIntervalMatrix(t, { unit: 'hour', span: 5 }))).toEqual([
      0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 1, 2, 1, 1, 0,
    ]);
    expect(timeIntervalMatrix([0, 86400 * 3], { unit: 'day', span: 2 })[1]).toBe(2);
    expect(timeIntervalMatrix([0, 5], { unit: 'second', span: 10 })[1]).toBe(5);
  });

  it('uses the personal scale: smallest non-zero consecutive gap, 1 if none', () => {
    expect(personalTimeScale([10, 10, 16, 30])).toBe(6);
    expect(personalTimeScale([5, 5])).toBe(1);
    expect(personalTimeScale([])).toBe(1);
    // scale 6, t' = round((t - 10) / 6) + 1 = 1, 1, 2, 4 (20/6 = 3.33 -> 3)
    expect(Array.from(timeIntervalMatrix([10, 10, 16, 30], { unit: 'personal', span: 2 }))).toEqual([
      0, 0, 1, 2, 0, 0, 1, 2, 1, 1, 0, 2, 2, 2, 2, 0,
    ]);
  });

  it('validates options', () => {
    expect(() => timeIntervalMatrix([1], { unit: 'week' as never, span: 1 })).toThrow(RangeError);
    expect(() => timeIntervalMatrix([1], { unit: 'day', span: 0 })).toThrow(RangeError);
  });
});
