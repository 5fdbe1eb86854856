/**
 * Flag value parsing with one-line errors that name the flag (exit code 2). The kebab-case
 * aliases and the spelling of flags in errors are in flagSpelling.ts.
 */
import { excerpt } from '@seqrec/data';
import type { OptionRange } from '@seqrec/models';
import { UsageError } from './errors';

/** An integer in [min, max]; the message quotes at most a short excerpt of the value. */
export function int(flag: string, value: unknown, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  const n = typeof value === 'number' ? value : Number(value);
  if ((typeof value === 'string' && !/^[+-]?\d+$/.test(value.trim())) || !Number.isSafeInteger(n) || n < min)
    throw new UsageError(`--${flag} must be an integer >= ${min}, got '${excerpt(String(value))}'`);
  if (n > max) throw new UsageError(`--${flag} must be at most ${max}, got '${excerpt(String(value))}'`);
  return n;
}

export function num(flag: string, value: unknown, check: (n: number) => boolean, expected: string): number {
  const n = typeof value === 'number' ? value : Number(value);
  if ((typeof value === 'string' && value.trim() === '') || !Number.isFinite(n) || !check(n)) {
    throw new UsageError(`--${flag} must be ${expected}, got '${excerpt(String(value))}'`);
  }
  return n;
}

/** A number in `range` (the option's range, from the package that owns the option). */
export function ranged(flag: string, value: unknown, range: OptionRange): number {
  return range.integer ? int(flag, value, range.min, range.max) : num(flag, value, range.accepts, range.expected);
}

export function choice<T extends string>(flag: string, value: unknown, choices: readonly T[]): T {
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw new UsageError(`--${flag} must be one of ${choices.join(', ')}, got '${excerpt(String(value))}'`);
  }
  return value as T;
}

/** `--flag`, `--flag=true`, `--flag=false` (the reference's str2bool style also works). */
export function bool(flag: string, value: unknown): boolean {
  if (value === undefined || value === false) return false;
  if (value === true) return true;
  const v = String(value).toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new UsageError(`--${flag} takes true or false, got '${excerpt(String(value))}'`);
}

/** A comma-separated list of positive integers, e.g. `--topk 5,10,20`. */
export function intList(flag: string, value: unknown, range: OptionRange): number[] {
  const parts = String(value)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (parts.length === 0)
    throw new UsageError(`--${flag} must be a comma-separated list of integers >= 1, got '${excerpt(String(value))}'`);
  return parts.map((p) => ranged(flag, p, range));
}
