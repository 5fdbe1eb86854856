/**
 * Crash-safe directory writes: a whole directory appears complete or not at all (single
 * files use `writeFileAtomic`; files inside the directory, `writeFileSynced`).
 *
 * Directory protocol (used for checkpoints): write everything into `<name>.tmp-<pid>-<rand>`,
 * fsync each file and the directory, then swap it in: remove `name.old`, `name` -> `name.old`,
 * tmp -> `name`. `name.old` stays as the previous version. `name.old` is removed only while
 * `name` exists, so at every moment `name` or `name.old` is complete, and between the two renames
 * the complete tmp directory is too. Readers choose among these with {@link atomicDirCandidates}
 * and a completeness check of their own (@seqrec/train's checkpoints: the manifest).
 */
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { fsyncPath } from './fsyncPath';

/** Points of a swap at which tests simulate a crash (a kill there must lose nothing). */
export type SwapStage = 'filled' | 'old-removed' | 'target-moved' | 'swapped';

async function exists(p: string): Promise<boolean> {
  return fsp.lstat(p).then(
    () => true,
    () => false,
  );
}

/**
 * Builds directory `target` atomically: `fill(tmpDir)` writes the contents; every file in it is
 * fsynced before the swap. If `fill` throws, `target` and `target.old` are untouched.
 * `removeDir` deletes a previous version (default: recursively); `onStage` is for crash tests.
 */
export async function writeDirAtomic(
  target: string,
  fill: (dir: string) => Promise<void>,
  options: { removeDir?: (dir: string) => Promise<void>; onStage?: (stage: SwapStage) => void } = {},
): Promise<void> {
  const parent = path.dirname(target);
  const base = path.basename(target);
  const removeDir = options.removeDir ?? ((d: string) => fsp.rm(d, { recursive: true, force: true }));
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
  options.onStage?.('filled');
  const old = `${target}.old`;
  if (await exists(target)) {
    // `target` is complete, so the previous version may go; without `target` (a crash after the
    // first rename below), `old` may be the only complete version and is kept.
    if (await exists(old)) await removeDir(old);
    options.onStage?.('old-removed');
    await fsp.rename(target, old);
    options.onStage?.('target-moved');
  }
  await fsp.rename(tmp, target);
  await fsyncPath(parent);
  options.onStage?.('swapped');
}

export interface AtomicDirCandidate {
  dir: string;
  /** current: `target`; pending: a tmp dir (complete only if its own check says so); previous: `target.old`. */
  kind: 'current' | 'pending' | 'previous';
}

/** The tmp directories `writeDirAtomic` left for `target` (a crash, or a failed write). */
export async function pendingDirs(target: string): Promise<string[]> {
  const parent = path.dirname(target);
  const prefix = `${path.basename(target)}.tmp-`;
  const names = await fsp.readdir(parent).catch(() => [] as string[]);
  const found = names.filter((n) => n.startsWith(prefix)).map((n) => path.join(parent, n));
  const withTimes = await Promise.all(
    found.map(async (dir) => ({ dir, mtime: (await fsp.stat(dir).catch(() => null))?.mtimeMs ?? 0 })),
  );
  return withTimes.sort((a, b) => b.mtime - a.mtime).map((d) => d.dir);
}

/**
 * Every existing version of `target`, in order of preference: `target`, tmp dirs (newest first;
 * a crash between the renames of {@link writeDirAtomic} leaves the newest complete one there),
 * `target.old`.
 */
export async function atomicDirCandidates(target: string): Promise<AtomicDirCandidate[]> {
  const out: AtomicDirCandidate[] = [];
  if (await exists(target)) out.push({ dir: target, kind: 'current' });
  for (const dir of await pendingDirs(target)) out.push({ dir, kind: 'pending' });
  if (await exists(`${target}.old`)) out.push({ dir: `${target}.old`, kind: 'previous' });
  return out;
}

/**
 * The directory for `target`: `target` itself, or `target.old` when a crash happened between
 * the two renames of {@link writeDirAtomic}; null if neither exists. (No completeness check:
 * @seqrec/train's checkpoints use `findCheckpoint`, which verifies their manifest.)
 */
export async function resolveAtomicDir(target: string): Promise<string | null> {
  if (await exists(target)) return target;
  const old = `${target}.old`;
  return (await exists(old)) ? old : null;
}
