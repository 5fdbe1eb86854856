/** A bad flag, file or environment: printed as one `seqrec: error: ...` line, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Exit codes of the seqrec command. */
export const EXIT = { ok: 0, failure: 1, usage: 2, diverged: 3 } as const;
