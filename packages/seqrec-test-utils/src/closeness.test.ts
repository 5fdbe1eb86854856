import { expectClose, largestDifference } from './closeness';

test('passes within the tolerance, fails beyond it naming the worst index and both values', () => {
  expect(() => expectClose([1, 2, 3], [1, 2.00001, 3], 1e-4)).not.toThrow();
  expect(() => expectClose(new Float32Array([1, 2, 3, 4]), [1, 2.5, 3, 4.1], 0.2)).toThrow(
    'largest difference 0.5 > 0.2 at index 1 of 4: actual 2, expected 2.5',
  );
});

test('relative: |a - b| / (1 + |b|), so large values may differ more', () => {
  expect(() => expectClose([1000], [1001], 1e-3, { relative: true })).not.toThrow();
  expect(() => expectClose([0], [0.01], 1e-3, { relative: true })).toThrow(/largest relative difference/);
});

test('a NaN on one side fails; different lengths fail', () => {
  expect(() => expectClose([1, NaN], [1, 2], 1e9)).toThrow(/Infinity > 1000000000 at index 1.*actual NaN/);
  expect(largestDifference([NaN], [NaN]).value).toBe(0);
  expect(() => expectClose([1, 2], [1], 1)).toThrow('actual has 2 values, expected 1');
});

test('largestDifference reports the value and where', () => {
  expect(largestDifference([0, -3, 1], [0, 1, 1])).toEqual({ value: 4, index: 1, actual: -3, expected: 1 });
  expect(largestDifference([], []).index).toBe(-1);
});
