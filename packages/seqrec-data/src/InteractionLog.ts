/**
 * InteractionLog: the raw, file-order interactions of one input file, before any id mapping
 * (spec DATA_AND_EVAL.md §Input formats).
 */

/** The input formats of the spec. Auto-detected from the content unless given. */
export const INTERACTION_FORMATS = ['ml-1m', 'ml-100k', 'sasrec', 'csv', 'tsv'] as const;
export type InteractionFormat = (typeof INTERACTION_FORMATS)[number];

/** Options of `loadInteractions` / `parseInteractions`. */
export interface LoadOptions {
  /** Input format. Default: detected from the first non-empty line (never from the file name). */
  format?: InteractionFormat;
  /** csv/tsv only: header name of the user column. Default: first of user, user_id, userId, UserID (case-insensitive). */
  userColumn?: string;
  /** csv/tsv only: header name of the item column. Default: first of item, item_id, itemId, movie_id, movieId, MovieID. */
  itemColumn?: string;
  /**
   * csv/tsv only: header name of the timestamp column (numbers, e.g. unix seconds). Default: first of
   * timestamp, time, ts if present, else the log has no timestamps. Naming a missing column is an error.
   */
  timeColumn?: string;
}

/** Interactions exactly as read: one entry per interaction, in file order, duplicates kept. */
export interface InteractionLog {
  /** Where the data came from (file path, or the label given to `parseInteractions`). */
  source: string;
  format: InteractionFormat;
  /** Raw user id of each interaction. */
  rawUsers: string[];
  /** Raw item id of each interaction. */
  rawItems: string[];
  /** Timestamp of each interaction (as written in the file, usually unix seconds), or null if the input has none. */
  timestamps: Float64Array | null;
}
