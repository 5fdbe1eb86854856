import { promises as fsp } from 'node:fs';

/**
 * fsyncs a file or a directory, best effort: not every platform lets a directory be opened
 * (e.g. Windows), and there the data of the files is synced separately.
 */
export async function fsyncPath(p: string): Promise<void> {
  try {
    const handle = await fsp.open(p, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    /* directory fsync unsupported here */
  }
}
