/**
 * The one closeness check of the seqrec tests: the largest elementwise difference between two
 * flat arrays (absolute |a - b|, or relative |a - b| / (1 + |b|)), with where it is, so a failure
 * says which element and which values. Tensors are compared through `dataSync()`.
 */

export interface LargestDifference {
  /** The largest difference (Infinity when an element is NaN on one side only). */
  value: number;
  /** Its index in the flat arrays (-1 when both are empty). */
  index: number;
  actual: number;
  expected: number;
}

export interface ClosenessOptions {
  /** Compare |a - b| / (1 + |b|) instead of |a - b| (for values of any magnitude). */
  relative?: boolean;
}

export function largestDifference(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  options: ClosenessOptions = {},
): LargestDifference {
  if (actual.length !== expected.length)
    throw new Error(`cannot compare: actual has ${actual.length} values, expected ${expected.length}`);
  const worst: LargestDifference = { value: 0, index: -1, actual: NaN, expected: NaN };
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i] as number;
    const b = expected[i] as number;
    let d = Math.abs(a - b);
    if (options.relative === true) d /= 1 + Math.abs(b);
    if (Number.isNaN(d)) d = Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
    if (d > worst.value || worst.index < 0) Object.assign(worst, { value: d, index: i, actual: a, expected: b });
  }
  return worst;
}

/** Fails unless every element of `actual` is within `tolerance` of `expected` (see options). */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: number,
  options: ClosenessOptions = {},
): void {
  const worst = largestDifference(actual, expected, options);
  if (worst.value <= tolerance) return;
  const kind = options.relative === true ? 'relative difference' : 'difference';
  throw new Error(
    `largest ${kind} ${worst.value} > ${tolerance} at index ${worst.index} of ${actual.length}: ` +
      `actual ${worst.actual}, expected ${worst.expected}`,
  );
}
