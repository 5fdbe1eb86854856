/**
 * Crash-safe directory writes: a whole directory appears complete or not at all (single
 * files use `writeFileAtomic` of @seqrec/data).
 *
 * Directory protocol (used for checkpoints): write everything into `<name>.tmp-<pid>-<rand>`,
 * fsync each file and the directory, then swap it in: `name` -> `name.old`, tmp -> `name`,
 * remove `name.old`. A crash at any point leaves either `name` or `name.old` complete, and
 * {@link resolveAtomicDir} finds it; half-written `*.tmp-*` directories are never read.
 */
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';

async function fsyncPath(p: string): Promise<void> {
  try {
    const handle = await fsp.open(p, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    /* directories cannot be opened on every platform; file data is synced separately */
  }
}

/** Writes and fsyncs one file (no rename). */
export async function writeFileSynced(file: string, data: string | Uint8Array): Promise<void> {
  const handle = await fsp.open(file, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await fsp.stat(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * Builds directory `target` atomically: `fill(tmpDir)` writes the contents; every file in it is
 * fsynced before the swap. If `fill` throws, the previous `target` is untouched.
 */
export async function writeDirAtomic(target: string, fill: (dir: string) => Promise<void>): Promise<void> {
  const parent = path.dirname(target);
  const base = path.basename(target);
  await fsp.mkdir(parent, { recursive: true });
  const tmp = path.join(parent, `${base}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  await fsp.mkdir(tmp);
  try {
    await fill(tmp);
    for (const entry of await fsp.readdir(tmp)) await fsyncPath(path.join(tmp, entry));
    await fsyncPath(tmp);
  } catch (error) {
    await fsp.rm(tmp, { recursive: true, force: true });
    throw error;
  }
  const old = path.join(parent, `${base}.old`);
  await fsp.rm(old, { recursive: true, force: true });
  if (await exists(target)) await fsp.rename(target, old);
  await fsp.rename(tmp, target);
  await fsyncPath(parent);
  await fsp.rm(old, { recursive: true, force: true });
}

/**
 * The complete directory for `target`: `target` itself, or `target.old` when a crash happened
 * between the two renames of {@link writeDirAtomic}; null if neither exists.
 */
export async function resolveAtomicDir(target: string): Promise<string | null> {
  if (await exists(target)) return target;
  const old = `${target}.old`;
  return (await exists(old)) ? old : null;
}
