/**
 * writeFileAtomic: write a whole file so that readers see either the old or the new contents,
 * never a torn file (temp file in the same directory + fsync + rename).
 */
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { fsyncPath } from './fsyncPath';
import { withPath } from './withPath';

/**
 * The temp file writeFileAtomic writes `file` through: `.<name>.<pid>.<8 hex>.tmp` beside it
 * (also for other write-then-rename or write-then-link steps, so cleaners recognise them).
 */
export function atomicTempFileFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * True when `name` is a temp file writeFileAtomic left for a file called `target` (a process
 * killed between writing it and the rename): cleaners may delete it with the target's folder.
 */
export function isAtomicTempFileOf(name: string, target: string): boolean {
  const prefix = `.${target}.`;
  return name.startsWith(prefix) && /^\d+\.[0-9a-f]{8}\.tmp$/.test(name.slice(prefix.length));
}

export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  try {
    await writeThenRename(file, data);
  } catch (err) {
    // Write errors (ENOSPC, EDQUOT) carry no path: name the file the user asked for.
    throw withPath(err, file);
  }
}

async function writeThenRename(file: string, data: string | Uint8Array): Promise<void> {
  const dir = path.dirname(file);
  // Same directory as the target, so rename() never crosses file systems.
  const tmp = atomicTempFileFor(file);
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
  // Persist the rename itself (best effort; the data itself is already synced).
  await fsyncPath(dir);
}
