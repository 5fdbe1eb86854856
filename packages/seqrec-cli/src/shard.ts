/**
 * `--shard i/n`: the i-th of n contiguous, near-equal slices of the users (1-based, as jest's
 * `--shard`), so n jobs on any runner together cover every user exactly once.
 */
import { UsageError } from './errors';

export interface Shard {
  /** 1..count */
  index: number;
  count: number;
}

export function parseShard(value: unknown): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(String(value));
  const index = m === null ? NaN : Number(m[1]);
  const count = m === null ? NaN : Number(m[2]);
  if (!(count >= 1 && index >= 1 && index <= count))
    throw new UsageError(`--shard must be i/n with 1 <= i <= n, got '${String(value)}'`);
  return { index, count };
}

/** Dense user ids [first, end) of `shard` among users 1..numUsers. */
export function shardUsers(numUsers: number, shard: Shard): { first: number; end: number } {
  const at = (i: number) => 1 + Math.floor((numUsers * i) / shard.count);
  return { first: at(shard.index - 1), end: at(shard.index) };
}
