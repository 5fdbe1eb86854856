/**
 * DataFormatError: the one error type for bad input data (spec DATA_AND_EVAL.md §Input formats:
 * "a bad line is a clear error naming file and line number").
 */

/** Bad input data. `message` starts with `file:line:` (or `file:` when no line applies). */
export class DataFormatError extends Error {
  override readonly name: string = 'DataFormatError';
  /** The file (or source label) that holds the bad data. */
  readonly file: string;
  /** 1-based line number, or 0 when the problem is not tied to one line. */
  readonly line: number;

  constructor(file: string, line: number, detail: string) {
    super(line > 0 ? `${file}:${line}: ${detail}` : `${file}: ${detail}`);
    this.file = file;
    this.line = line;
  }
}
