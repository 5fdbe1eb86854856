/**
 * The values a numeric option accepts, written once beside the option's default and read by
 * every place that checks it: the config resolvers of models and train, and the CLI's flag
 * parser (which words the same rule as a flag error).
 */
export type OptionRange =
  | { readonly integer: true; readonly min: number; readonly max: number }
  | { readonly integer: false; readonly accepts: (x: number) => boolean; readonly expected: string };

/** An integer in [min, max]. */
export function intRange(min: number, max: number = Number.MAX_SAFE_INTEGER): OptionRange {
  return { integer: true, min, max };
}

/** A finite number that `accepts` takes, described in errors as `expected` (e.g. 'a number in [0, 1)'). */
export function numberRange(accepts: (x: number) => boolean, expected: string): OptionRange {
  return { integer: false, accepts, expected };
}

/** What `value` should have been ('an integer >= 1', 'at most 64', 'a positive number'), or null when it is in range. */
export function rangeProblem(value: number, range: OptionRange): string | null {
  if (!range.integer) return Number.isFinite(value) && range.accepts(value) ? null : range.expected;
  if (!Number.isSafeInteger(value) || value < range.min) return `an integer >= ${range.min}`;
  if (value > range.max) return `at most ${range.max}`;
  return null;
}

/** Throws a RangeError `<prefix><name> must be <problem>, got <value>` unless `value` is in range. */
export function checkRange(name: string, value: number, range: OptionRange, prefix = ''): void {
  const problem = rangeProblem(value, range);
  if (problem !== null) throw new RangeError(`${prefix}${name} must be ${problem}, got ${value}`);
}
