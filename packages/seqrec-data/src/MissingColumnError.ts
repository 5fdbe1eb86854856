/**
 * MissingColumnError: a CSV/TSV header without the user, item or (named) timestamp column. It
 * says which `LoadOptions` field names the column, so a caller with its own names for them (the
 * CLI's `--user_column`) can word the fix in its own terms (`messageWithFix`).
 */
import { DataFormatError } from './DataFormatError';
import { excerpt } from './excerpt';
import type { LoadOptions } from './InteractionLog';

export type ColumnOption = keyof Pick<LoadOptions, 'userColumn' | 'itemColumn' | 'timeColumn'>;

const ROLE: Record<ColumnOption, string> = { userColumn: 'user', itemColumn: 'item', timeColumn: 'timestamp' };

export class MissingColumnError extends DataFormatError {
  override readonly name: string = 'MissingColumnError';

  constructor(
    file: string,
    line: number,
    /** The option that names the column. */
    readonly option: ColumnOption,
    /** The header's column names. */
    readonly header: readonly string[],
    /** The name asked for, or the default names looked for when none was. */
    readonly wanted: string | readonly string[],
  ) {
    super(file, line, MissingColumnError.detail(option, header, wanted, `set the ${option} option`));
  }

  /** The message with `fix` (e.g. "name it with --user_column") in place of the option's name. */
  messageWithFix(fix: string): string {
    const detail = MissingColumnError.detail(this.option, this.header, this.wanted, fix);
    return this.line > 0 ? `${this.file}:${this.line}: ${detail}` : `${this.file}: ${detail}`;
  }

  private static detail(
    option: ColumnOption,
    header: readonly string[],
    wanted: string | readonly string[],
    fix: string,
  ) {
    // A header is input: quote at most 8 names, each as a short excerpt.
    const listed =
      header
        .slice(0, 8)
        .map((n) => `'${excerpt(n, 30)}'`)
        .join(', ') + (header.length > 8 ? `, ... (${header.length} columns)` : '');
    const role = ROLE[option];
    return typeof wanted === 'string'
      ? `no ${role} column '${excerpt(wanted, 30)}' in header ${listed}`
      : `no ${role} column in header ${listed} (looked for ${wanted.join(', ')}; ${fix})`;
  }
}
