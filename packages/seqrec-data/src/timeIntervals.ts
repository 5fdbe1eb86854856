/**
 * Time-interval matrices of TiSASRec (spec DATA_AND_EVAL.md §Time intervals):
 *   rel_ij = min(g(|t_i - t_j|), S)
 * second|minute|hour|day: g(x) = floor(x / unit_seconds).
 * personal (the TiSASRec paper): per user, scale = smallest non-zero gap between consecutive sorted
 * timestamps of the user's whole sequence (1 if none); t' = round((t - t_min) / scale) + 1 and
 * rel_ij = min(|t'_i - t'_j|, S).
 * Both cases reduce to rel_ij = min(floor(|k_i - k_j| / divisor), S) over per-interaction "time keys"
 * k (raw t with divisor = unit seconds, or t' with divisor 1), which is what the samplers store.
 */

export const TIME_UNITS = ['second', 'minute', 'hour', 'day', 'personal'] as const;
export type TimeUnit = (typeof TIME_UNITS)[number];

export interface TimeOptions {
  /** How gaps are measured (spec `--time_unit`). */
  unit: TimeUnit;
  /** Clip value S of the intervals (spec `--time_span`); integer >= 1. rel values are in 0..S. */
  span: number;
}

/** Seconds per unit of the fixed units. */
export const TIME_UNIT_SECONDS: Readonly<Record<Exclude<TimeUnit, 'personal'>, number>> = {
  second: 1,
  minute: 60,
  hour: 3600,
  day: 86400,
};

/** Throws a RangeError unless `time` is a valid TimeOptions. */
export function checkTimeOptions(time: TimeOptions, where: string): void {
  if (time.unit !== 'personal' && !(time.unit in TIME_UNIT_SECONDS)) {
    throw new RangeError(`${where}: time.unit must be second|minute|hour|day|personal, got '${String(time.unit)}'`);
  }
  if (!Number.isInteger(time.span) || time.span < 1)
    throw new RangeError(`${where}: time.span must be an integer >= 1, got ${time.span}`);
}

/** Smallest non-zero gap between consecutive sorted timestamps; 1 if there is none. */
export function personalTimeScale(sortedTimes: ArrayLike<number>): number {
  let scale = Infinity;
  for (let i = 1; i < sortedTimes.length; i++) {
    const gap = sortedTimes[i] - sortedTimes[i - 1];
    if (gap > 0 && gap < scale) scale = gap;
  }
  return Number.isFinite(scale) ? scale : 1;
}

/**
 * Time keys of one user's whole, sorted sequence, written into `out` (same length), plus the
 * divisor to apply to key differences.
 */
export function timeKeys(sortedTimes: ArrayLike<number>, unit: TimeUnit, out: Float64Array): number {
  if (unit !== 'personal') {
    for (let i = 0; i < sortedTimes.length; i++) out[i] = sortedTimes[i];
    return TIME_UNIT_SECONDS[unit];
  }
  const scale = personalTimeScale(sortedTimes);
  const tMin = sortedTimes.length > 0 ? sortedTimes[0] : 0;
  for (let i = 0; i < sortedTimes.length; i++) out[i] = Math.round((sortedTimes[i] - tMin) / scale) + 1;
  return 1;
}

/**
 * Writes the [T, T] interval block of one window at `out[offset ..]`. The window is left padded:
 * its last `n` rows/columns hold keys[from .. from + n - 1]; padded entries are 0 (they are masked).
 */
export function fillTimeIntervals(
  out: Int32Array,
  offset: number,
  T: number,
  keys: Float64Array,
  from: number,
  n: number,
  divisor: number,
  span: number,
): void {
  out.fill(0, offset, offset + T * T);
  fillTimeIntervalBlock(out, offset, T, T - n, keys, from, n, divisor, span);
}

/**
 * Writes one user's [n, n] intervals into the [T, T] matrix at `out[offset ..]`, at rows and
 * columns `column .. column + n - 1` (a packed row holds several users' blocks on its diagonal);
 * other entries are left as they are.
 */
export function fillTimeIntervalBlock(
  out: Int32Array,
  offset: number,
  T: number,
  column: number,
  keys: Float64Array,
  from: number,
  n: number,
  divisor: number,
  span: number,
): void {
  for (let i = 0; i < n; i++) {
    const ki = keys[from + i];
    const row = offset + (column + i) * T + column;
    out[row + i] = 0;
    // The matrix is symmetric: compute the upper triangle and mirror it.
    for (let j = i + 1; j < n; j++) {
      const g = Math.min(Math.floor(Math.abs(keys[from + j] - ki) / divisor), span);
      out[row + j] = g;
      out[offset + (column + j) * T + column + i] = g;
    }
  }
}

/**
 * The [n, n] interval matrix of one user's sorted timestamps (e.g. for prediction). For batches,
 * the samplers call `fillTimeIntervals` directly.
 */
export function timeIntervalMatrix(sortedTimes: ArrayLike<number>, time: TimeOptions): Int32Array {
  checkTimeOptions(time, 'timeIntervalMatrix');
  const n = sortedTimes.length;
  const keys = new Float64Array(n);
  const divisor = timeKeys(sortedTimes, time.unit, keys);
  const out = new Int32Array(n * n);
  fillTimeIntervals(out, 0, n, keys, 0, n, divisor, time.span);
  return out;
}
