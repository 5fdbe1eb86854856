/** `error` with `path` set to `file` when the system left it out (write errors such as ENOSPC do). */
export function withPath(error: unknown, file: string): unknown {
  const e = error as NodeJS.ErrnoException;
  if (e !== null && typeof e === 'object' && typeof e.code === 'string' && e.path === undefined) e.path = file;
  return error;
}
