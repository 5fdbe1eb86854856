/**
 * A reader that stops early (`seqrec info | head -1`, `seqrec train ... | head -4`) closes the
 * pipe; Node then fails the next write with EPIPE, which would crash the process. As other Unix
 * tools do when their output goes away, seqrec stops quietly with exit code 0 (everything it
 * writes to disk is written to a temp file and renamed, so stopping mid-way leaves nothing broken).
 */
export function exitQuietlyWhenOutputCloses(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}
