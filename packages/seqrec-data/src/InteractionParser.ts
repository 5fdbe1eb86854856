/**
 * InteractionParser: incremental, line-by-line parser of every input format of spec
 * DATA_AND_EVAL.md §Input formats, plus `parseInteractions` for text already in memory.
 *
 * Text arrives in chunks (from a read stream); only the unfinished last line of a chunk is kept
 * between pushes, so a file is never materialised as one string and split. The format is detected
 * from the first non-empty line:
 *   contains '::'                               -> ml-1m   (UserID::MovieID::Rating::Timestamp)
 *   contains a tab, 4 fields, fields 3-4 numeric -> ml-100k (user \t item \t rating \t timestamp)
 *   contains a tab otherwise                     -> tsv with a header line
 *   contains ','                                 -> csv with a header line
 *   otherwise                                    -> sasrec  (user item [timestamp], space separated)
 * Duplicate lines are KEPT: they are real repeat interactions in every format we read.
 */
import { DataFormatError } from './DataFormatError';
import { excerpt } from './excerpt';
import { MissingColumnError, type ColumnOption } from './MissingColumnError';
import { type InteractionFormat, type InteractionLog, type LoadOptions } from './InteractionLog';

const NUMBER_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
/** A line longer than this is not interaction data (a file without line breaks, or binary data). */
export const MAX_LINE_CHARS = 1 << 20;
/** Timestamps are exact up to 2^53 (float64); beyond that two distinct times could compare equal. */
const MAX_TIMESTAMP = Number.MAX_SAFE_INTEGER;

const DEFAULT_USER_COLUMNS = ['user', 'user_id', 'userid', 'uid'];
const DEFAULT_ITEM_COLUMNS = ['item', 'item_id', 'itemid', 'movie_id', 'movieid', 'iid'];
const DEFAULT_TIME_COLUMNS = ['timestamp', 'time', 'ts', 'unix_time'];

function isNumber(s: string): boolean {
  return NUMBER_RE.test(s);
}

/** Detects the format from the first non-empty line (BOM and '\r' already removed). */
export function detectFormat(firstLine: string): InteractionFormat {
  if (firstLine.includes('::')) return 'ml-1m';
  if (firstLine.includes('\t')) {
    const f = firstLine.split('\t');
    return f.length === 4 && isNumber(f[2]) && isNumber(f[3]) ? 'ml-100k' : 'tsv';
  }
  if (firstLine.includes(',')) return 'csv';
  return 'sasrec';
}

/** Splits one CSV line; double-quoted fields may hold commas and "" escapes (no embedded newlines). */
function splitCsvLine(line: string): string[] | null {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return null; // unterminated quote
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(value);
      if (i === line.length) return out;
      if (line[i] !== ',') return null;
      i++;
    } else {
      const c = line.indexOf(',', i);
      if (c < 0) {
        out.push(line.slice(i));
        return out;
      }
      out.push(line.slice(i, c));
      i = c + 1;
    }
  }
}

function findColumn(header: string[], wanted: string | undefined, defaults: string[]): number {
  if (wanted !== undefined) {
    const exact = header.indexOf(wanted);
    if (exact >= 0) return exact;
    return header.findIndex((h) => h.toLowerCase() === wanted.toLowerCase());
  }
  const lower = header.map((h) => h.toLowerCase());
  for (const name of defaults) {
    const i = lower.indexOf(name);
    if (i >= 0) return i;
  }
  return -1;
}

/** Push text chunks with `push`, then call `end` once for the log. */
export class InteractionParser {
  private readonly source: string;
  private readonly options: LoadOptions;
  private format: InteractionFormat | null;
  private rest = '';
  private lineNo = 0;
  private started = false;
  // csv/tsv column layout, or the sasrec field count fixed by the first line.
  private columns: { user: number; item: number; time: number; count: number } | null = null;
  private sasrecFields = 0;
  private hasTime = false;
  private readonly rawUsers: string[] = [];
  private readonly rawItems: string[] = [];
  private times = new Float64Array(1024);

  constructor(source: string, options: LoadOptions = {}) {
    this.source = source;
    this.options = options;
    this.format = options.format ?? null;
  }

  /** Parses every complete line of `chunk`; an unfinished last line waits for the next push. */
  push(chunk: string): void {
    let text = this.rest + chunk;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // UTF-8 BOM
    }
    const nul = chunk.indexOf('\u0000');
    if (nul >= 0) {
      this.lineNo += countLines(text, text.length - chunk.length + nul) + 1;
      this.fail('binary data (a NUL byte): not a text file of interactions');
    }
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      this.line(text, start, nl);
      start = nl + 1;
    }
    this.rest = start === 0 ? text : text.slice(start);
    if (this.rest.length > MAX_LINE_CHARS) {
      this.lineNo++;
      this.fail(
        `line longer than ${MAX_LINE_CHARS} characters${
          this.rest.includes('\r')
            ? ' (the file ends its lines with CR only: convert them to LF)'
            : ' (no line breaks?)'
        }`,
      );
    }
  }

  /** Parses the last line and returns the log. Throws if there was no interaction at all. */
  end(): InteractionLog {
    if (this.rest.length > 0) this.line(this.rest, 0, this.rest.length);
    this.rest = '';
    if (this.rawUsers.length === 0) {
      throw new DataFormatError(this.source, 0, this.lineNo === 0 ? 'file is empty' : 'no interactions found');
    }
    return {
      source: this.source,
      format: this.format as InteractionFormat,
      rawUsers: this.rawUsers,
      rawItems: this.rawItems,
      timestamps: this.hasTime ? this.times.slice(0, this.rawUsers.length) : null,
    };
  }

  private fail(detail: string): never {
    throw new DataFormatError(this.source, this.lineNo, detail);
  }

  private line(text: string, start: number, end: number): void {
    this.lineNo++;
    if (end > start && text.charCodeAt(end - 1) === 13) end--; // CRLF
    if (end === start) return; // blank lines carry no interaction
    const line = text.slice(start, end);
    if (line.includes('\r'))
      this.fail('a carriage return inside the line: the file ends its lines with CR only (convert them to LF)');
    if (this.format === null) this.format = detectFormat(line);
    switch (this.format) {
      case 'ml-1m':
        return this.fixedFields(line.split('::'), 4, "'::'");
      case 'ml-100k':
        return this.fixedFields(line.split('\t'), 4, 'tabs');
      case 'sasrec':
        return this.sasrec(line);
      case 'csv':
      case 'tsv':
        return this.delimited(line);
    }
  }

  /** `user item rating timestamp` with a fixed separator (ml-1m, ml-100k). */
  private fixedFields(f: string[], n: number, sep: string): void {
    if (f.length !== n) this.fail(`expected ${n} fields separated by ${sep}, got ${f.length}`);
    this.hasTime = true;
    this.add(f[0], f[1], f[3]);
  }

  private sasrec(line: string): void {
    let f = line.split(' ');
    if (f.includes('')) f = line.trim().split(/\s+/); // runs of blanks or tabs: rare, so the slow path
    if (this.sasrecFields === 0) {
      if (f.length !== 2 && f.length !== 3)
        this.fail(`expected 'user item' or 'user item timestamp' separated by spaces, got ${f.length} fields`);
      this.sasrecFields = f.length;
      this.hasTime = f.length === 3;
    } else if (f.length !== this.sasrecFields) {
      this.fail(`expected ${this.sasrecFields} fields separated by spaces (as on the first line), got ${f.length}`);
    }
    this.add(f[0], f[1], f[2]);
  }

  private delimited(line: string): void {
    const sep = this.format === 'csv' ? ',' : '\t';
    const f = sep === ',' ? splitCsvLine(line) : line.split('\t');
    if (f === null) this.fail('unterminated or misplaced double quote');
    if (this.columns === null) return this.header(f.map((h) => h.trim()));
    const c = this.columns;
    if (f.length !== c.count)
      this.fail(
        `expected ${c.count} fields separated by '${sep === ',' ? ',' : '\\t'}' (as in the header), got ${f.length}`,
      );
    this.add(f[c.user].trim(), f[c.item].trim(), c.time >= 0 ? f[c.time].trim() : undefined);
  }

  private header(names: string[]): void {
    const { userColumn, itemColumn, timeColumn } = this.options;
    const user = findColumn(names, userColumn, DEFAULT_USER_COLUMNS);
    const item = findColumn(names, itemColumn, DEFAULT_ITEM_COLUMNS);
    const time = findColumn(names, timeColumn, DEFAULT_TIME_COLUMNS);
    const missing = (option: ColumnOption, wanted: string | undefined, defaults: string[]): never => {
      throw new MissingColumnError(this.source, this.lineNo, option, names, wanted ?? defaults);
    };
    if (user < 0) missing('userColumn', userColumn, DEFAULT_USER_COLUMNS);
    if (item < 0) missing('itemColumn', itemColumn, DEFAULT_ITEM_COLUMNS);
    if (timeColumn !== undefined && time < 0) missing('timeColumn', timeColumn, DEFAULT_TIME_COLUMNS);
    this.columns = { user, item, time, count: names.length };
    this.hasTime = time >= 0;
  }

  private add(user: string, item: string, time: string | undefined): void {
    if (user.length === 0) this.fail('empty user id');
    if (item.length === 0) this.fail('empty item id');
    const n = this.rawUsers.length;
    if (this.hasTime) {
      if (time === undefined || !isNumber(time)) this.fail(`timestamp '${excerpt(time ?? '')}' is not a number`);
      const t = Number(time);
      if (!(Math.abs(t) <= MAX_TIMESTAMP))
        this.fail(`timestamp '${excerpt(time)}' is out of range (beyond ±2^53, it cannot be represented exactly)`);
      if (n === this.times.length) {
        const grown = new Float64Array(n * 2);
        grown.set(this.times);
        this.times = grown;
      }
      this.times[n] = t;
    }
    this.rawUsers.push(user);
    this.rawItems.push(item);
  }
}

/** Line breaks in `text` before `end`. */
function countLines(text: string, end: number): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Parses a whole in-memory text. `source` names it in errors (e.g. a file name). */
export function parseInteractions(text: string, source: string, options: LoadOptions = {}): InteractionLog {
  const parser = new InteractionParser(source, options);
  parser.push(text);
  return parser.end();
}
