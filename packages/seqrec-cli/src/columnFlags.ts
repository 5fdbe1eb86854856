/**
 * `--user_column`, `--item_column`, `--time_column`: the CSV/TSV header names of
 * `@seqrec/data`'s `userColumn`, `itemColumn` and `timeColumn` load options (train and stats).
 */
import type { ColumnOption, LoadOptions } from '@seqrec/data';

export type ColumnOptions = Pick<LoadOptions, ColumnOption>;

/** The flag of each column option. */
export const COLUMN_FLAGS: Readonly<Record<ColumnOption, string>> = {
  userColumn: 'user_column',
  itemColumn: 'item_column',
  timeColumn: 'time_column',
};

/** Rows of the train flag table ([flag, value placeholder, default, help]). */
export const COLUMN_FLAG_ROWS: readonly (readonly [string, string, undefined, string])[] = [
  ['user_column', 'name', undefined, 'csv/tsv: header of the user column (default: user, user_id, userid or uid)'],
  [
    'item_column',
    'name',
    undefined,
    'csv/tsv: header of the item column (default: item, item_id, itemid, movie_id, movieid or iid)',
  ],
  [
    'time_column',
    'name',
    undefined,
    'csv/tsv: header of the timestamp column (default: timestamp, time, ts or unix_time if present)',
  ],
];

/** The column flags' values (snake_case keys, as commander gives them) as load options. */
export function columnOptions(raw: Record<string, unknown>): ColumnOptions {
  const columns: ColumnOptions = {};
  for (const [option, flag] of Object.entries(COLUMN_FLAGS) as [ColumnOption, string][]) {
    const value = raw[flag];
    if (typeof value === 'string') columns[option] = value;
  }
  return columns;
}
