/**
 * Vocabulary: raw user/item ids (any strings) <-> dense ids 1..U, 1..V (spec DATA_AND_EVAL.md
 * §Input formats: "the mapping is saved next to the model so recommendations come back as raw ids").
 *
 * Dense ids follow ascending raw-id order: numeric order when every raw id is an integer, else
 * lexicographic (UTF-16 code unit) order. So a dataset that already uses 1..N keeps its ids.
 */
import { DataFormatError } from './DataFormatError';

const INTEGER_RE = /^[+-]?\d+$/;
const JSON_KIND = 'seqrec-vocabulary';
const JSON_VERSION = 1;

/** Sorts distinct raw ids into dense-id order (see file header). Does not mutate `ids`. */
export function sortRawIds(ids: Iterable<string>): string[] {
  const out = Array.from(ids);
  const numeric = out.every((s) => INTEGER_RE.test(s) && Number.isSafeInteger(Number(s)));
  if (numeric) {
    // '7' and '007' are distinct raw ids with the same value: break the tie by the string.
    return out.sort((a, b) => Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0));
  }
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function indexOf(table: readonly string[], kind: string, source: string): Map<string, number> {
  const map = new Map<string, number>();
  for (let i = 1; i < table.length; i++) {
    const raw = table[i];
    if (typeof raw !== 'string' || raw.length === 0)
      throw new DataFormatError(source, 0, `${kind} ${i}: raw id must be a non-empty string`);
    if (map.has(raw))
      throw new DataFormatError(source, 0, `${kind} raw id '${raw}' appears twice (ids ${map.get(raw)} and ${i})`);
    map.set(raw, i);
  }
  return map;
}

/** Bidirectional raw <-> dense id mapping for users and items. Immutable. */
export class Vocabulary {
  /** Raw user id by dense id; index 0 is '' (padding). */
  readonly users: readonly string[];
  /** Raw item id by dense id; index 0 is '' (padding). */
  readonly items: readonly string[];
  private readonly userIndex: Map<string, number>;
  private readonly itemIndex: Map<string, number>;

  /** @param users raw user ids in dense-id order (dense id = position + 1); same for `items`. */
  constructor(users: readonly string[], items: readonly string[], source = 'vocabulary') {
    this.users = Object.freeze(['', ...users]);
    this.items = Object.freeze(['', ...items]);
    this.userIndex = indexOf(this.users, 'user', source);
    this.itemIndex = indexOf(this.items, 'item', source);
  }

  /** Builds the vocabulary of a set of raw ids, ordered as the file header says. */
  static fromRawIds(rawUsers: Iterable<string>, rawItems: Iterable<string>): Vocabulary {
    return new Vocabulary(sortRawIds(new Set(rawUsers)), sortRawIds(new Set(rawItems)));
  }

  userId(raw: string): number | undefined {
    return this.userIndex.get(raw);
  }

  itemId(raw: string): number | undefined {
    return this.itemIndex.get(raw);
  }

  rawUser(id: number): string {
    if (!Number.isInteger(id) || id < 1 || id >= this.users.length)
      throw new RangeError(`Vocabulary.rawUser: no user ${id} (valid 1..${this.numUsers})`);
    return this.users[id] as string;
  }

  rawItem(id: number): string {
    if (!Number.isInteger(id) || id < 1 || id >= this.items.length)
      throw new RangeError(`Vocabulary.rawItem: no item ${id} (valid 1..${this.numItems})`);
    return this.items[id] as string;
  }

  get numUsers(): number {
    return this.users.length - 1;
  }

  get numItems(): number {
    return this.items.length - 1;
  }

  /** `{kind, version, users, items}`; the arrays hold raw ids of dense ids 1..N (no padding entry). */
  toJSON(): { kind: string; version: number; users: string[]; items: string[] } {
    return { kind: JSON_KIND, version: JSON_VERSION, users: this.users.slice(1), items: this.items.slice(1) };
  }

  /** Inverse of `toJSON`. `source` (e.g. the file name) is named in errors. */
  static fromJSON(json: unknown, source = 'vocabulary'): Vocabulary {
    const j = json as { kind?: unknown; version?: unknown; users?: unknown; items?: unknown } | null;
    if (typeof j !== 'object' || j === null || j.kind !== JSON_KIND)
      throw new DataFormatError(source, 0, `not a ${JSON_KIND} JSON object`);
    if (j.version !== JSON_VERSION)
      throw new DataFormatError(
        source,
        0,
        `unsupported vocabulary version ${String(j.version)} (expected ${JSON_VERSION})`,
      );
    if (!Array.isArray(j.users) || !Array.isArray(j.items))
      throw new DataFormatError(source, 0, "'users' and 'items' must be arrays of strings");
    return new Vocabulary(j.users as string[], j.items as string[], source);
  }
}
