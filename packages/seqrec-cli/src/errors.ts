/** A bad flag, file or environment: printed as one `seqrec: error: ...` line, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Exit codes of the seqrec command. */
export const EXIT = { ok: 0, failure: 1, usage: 2, diverged: 3 } as const;

/** What a system error code means, for the codes a user can fix (a path, a permission, space). */
const SYSTEM_CODES: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'is a folder, not a file',
  ENOENT: 'no such file or folder',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  ENAMETOOLONG: 'file name too long',
  ELOOP: 'too many symbolic links',
  EMFILE: 'too many open files',
  EIO: 'input/output error',
};

/**
 * One line for an error of the environment (a file system error a user can fix, or the wasm
 * heap overflowing), or null for any other error (a bug: exit 1).
 */
export function environmentProblem(error: unknown): string | null {
  const e = error as NodeJS.ErrnoException;
  if (e !== null && typeof e === 'object' && typeof e.code === 'string' && e.code in SYSTEM_CODES) {
    const where = typeof e.path === 'string' ? e.path : 'a file seqrec was writing or reading (path unknown)';
    return `${where}: ${SYSTEM_CODES[e.code]} (${e.code}${typeof e.syscall === 'string' ? `, ${e.syscall}` : ''})`;
  }
  const message = error instanceof Error ? error.message : '';
  if (
    (error instanceof Error && error.constructor.name === 'RuntimeError') ||
    /memory access out of bounds|Out of memory|Cannot allocate Wasm memory|WebAssembly\.Memory/i.test(message)
  ) {
    return (
      'the wasm heap (4 GB) overflowed: this configuration needs more memory than the wasm backend has; ' +
      'lower --batch_size, --eval_batch_size, --maxlen, --mhc_expansion_rate, --hidden_units or --time_span, ' +
      'or use --backend tensorflow'
    );
  }
  return null;
}
