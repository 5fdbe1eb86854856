/**
 * writeFileAtomic: write a whole file so that readers see either the old or the new contents,
 * never a torn file (temp file in the same directory + fsync + rename).
 */
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';

export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  try {
    await writeThenRename(file, data);
  } catch (err) {
    // Write errors (ENOSPC, EDQUOT) carry no path: name the file the user asked for.
    const e = err as NodeJS.ErrnoException;
    if (typeof e?.code === 'string' && e.path === undefined) e.path = file;
    throw err;
  }
}

async function writeThenRename(file: string, data: string | Uint8Array): Promise<void> {
  const dir = path.dirname(file);
  // Same directory as the target, so rename() never crosses file systems.
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await fsp.open(tmp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await fsp.rm(tmp, { force: true });
    throw err;
  }
  await handle.close();
  try {
    await fsp.rename(tmp, file);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw err;
  }
  // Persist the rename itself; not every platform lets a directory be opened, so best effort.
  try {
    const dirHandle = await fsp.open(dir, 'r');
    try {
      await dirHandle.sync();
    } finally {
      await dirHandle.close();
    }
  } catch {
    /* directory fsync unsupported here (e.g. Windows); the data itself is already synced */
  }
}
