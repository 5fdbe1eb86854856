import { promises as fsp } from 'node:fs';
import { withPath } from './withPath';

/**
 * Writes and fsyncs one file in place (no rename): for files inside a directory that
 * `writeDirAtomic` swaps in whole. Errors name the file (ENOSPC carries no path).
 */
export async function writeFileSynced(file: string, data: string | Uint8Array): Promise<void> {
  try {
    const handle = await fsp.open(file, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw withPath(error, file);
  }
}
