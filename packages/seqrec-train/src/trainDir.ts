/**
 * Owning a train dir. A folder is seqrec's only when seqrec made it: the marker `.seqrec-run`
 * (JSON) says so and lists the extra files a run wrote there (e.g. the CLI's args.json). A train
 * refuses a non-empty folder without the marker (a folder of an older seqrec, recognised by its
 * checkpoints, is adopted), and a folder that holds a run unless asked to resume or overwrite it.
 * Overwriting deletes only what seqrec wrote. While a train runs, `train.lock` (pid, host) keeps
 * a second one out; a lock whose process is gone (same host) is stale, named, and taken over.
 */
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { atomicTempFileFor, isAtomicTempFileOf, pendingDirs, writeFileAtomic } from '@seqrec/files';
import { assertOnlyCheckpointFiles, removeCheckpointDir } from './checkpoint';
import { TrainDirError, short } from './errors';
import { METRICS_FILE } from './metricsLog';
import { hasFields, parseJsonFile, readJsonFile } from './stateFile';

export const RUN_MARKER = '.seqrec-run';
export const LOCK_FILE = 'train.lock';
/** The checkpoint directories of a train dir (each with its `.old` and `.tmp-*` versions). */
export const CHECKPOINT_DIRS = ['last', 'best'] as const;

interface Marker {
  kind: 'seqrec-train-dir';
  version: 1;
  created: string;
  /** Files besides checkpoints and metrics that runs wrote here (deleted by an overwrite). */
  files: string[];
}

interface LockInfo {
  pid: number;
  host: string;
  started: string;
}

/** How a train uses its dir: a new run (dir empty or new), continue one, or replace one. */
export type TrainDirMode = 'new' | 'resume' | 'overwrite';

async function exists(p: string): Promise<boolean> {
  return fsp.lstat(p).then(
    () => true,
    () => false,
  );
}

/** Names in `dir` that a seqrec run writes (its checkpoints in any version, metrics, marker files). */
function isRunFile(name: string, markerFiles: readonly string[]): boolean {
  if (name === METRICS_FILE || markerFiles.includes(name)) return true;
  return CHECKPOINT_DIRS.some((d) => name === d || name === `${d}.old` || name.startsWith(`${d}.tmp-`));
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A train dir held (locked) by this process. */
export class TrainDirClaim {
  private released = false;

  private constructor(
    readonly dir: string,
    private marker: Marker,
    /** True when the dir held a run (checkpoints or metrics) when claimed. */
    readonly hadRun: boolean,
  ) {}

  /**
   * Checks `dir` may be used in `mode`, creates it (and its marker) if needed and locks it.
   * `report` receives one line when a stale lock is taken over.
   */
  static async claim(dir: string, mode: TrainDirMode, report: (message: string) => void): Promise<TrainDirClaim> {
    const stat = await fsp.stat(dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw new TrainDirError(`train dir ${dir} cannot be used (${error.code ?? String(error)})`);
    });
    if (stat !== null && !stat.isDirectory()) throw new TrainDirError(`train dir ${dir} is a file, not a folder`);
    if (stat === null) await fsp.mkdir(dir, { recursive: true });
    const markerFile = path.join(dir, RUN_MARKER);
    let marker: Marker | null = (await exists(markerFile))
      ? await readJsonFile<Marker>(markerFile, hasFields({ kind: 'string', files: 'array' }))
      : null;
    const names = (await fsp.readdir(dir)).filter((n) => n !== RUN_MARKER);
    if (marker === null && names.length > 0 && !(await isBeingClaimed(dir, names)) && !(await isOlderSeqrecRun(dir))) {
      throw new TrainDirError(
        `train dir ${dir} is not empty and was not made by seqrec (it holds ${names
          .slice(0, 3)
          .map((n) => `'${short(n, 30)}'`)
          .join(', ')}${names.length > 3 ? ', ...' : ''}); give a new or empty folder, seqrec never writes into others`,
      );
    }
    await takeLock(dir, report);
    const files = marker?.files ?? [];
    const hadRun = names.some((n) => n !== LOCK_FILE && isRunFile(n, files));
    try {
      if (mode === 'new' && hadRun) {
        throw new TrainDirError(
          `train dir ${dir} holds a run already; continue it with --resume, or replace it with --overwrite ` +
            '(deletes only what seqrec wrote there)',
        );
      }
      if (mode === 'resume' && !hadRun) throw new TrainDirError(`--resume: train dir ${dir} holds no run to resume`);
      // Checked: from here on the folder is seqrec's (an older seqrec's run is adopted).
      if (marker === null) {
        marker = { kind: 'seqrec-train-dir', version: 1, created: new Date().toISOString(), files: [] };
        await writeJson(markerFile, marker);
      }
    } catch (error) {
      await releaseLock(dir);
      throw error;
    }
    const claim = new TrainDirClaim(dir, marker, hadRun);
    return claim;
  }

  /** Deletes what runs wrote here (checkpoints, metrics, files the marker lists); nothing else. */
  async clearRun(): Promise<void> {
    const dirs: string[] = [];
    for (const name of CHECKPOINT_DIRS) {
      const target = path.join(this.dir, name);
      for (const d of [target, `${target}.old`, ...(await pendingDirs(target))]) if (await exists(d)) dirs.push(d);
    }
    // All or nothing: a folder holding someone else's file stops the overwrite before any deletion.
    for (const d of dirs) await assertOnlyCheckpointFiles(d);
    for (const d of dirs) await removeCheckpointDir(d);
    for (const name of [METRICS_FILE, ...this.marker.files]) await fsp.rm(path.join(this.dir, name), { force: true });
    this.marker = { ...this.marker, files: [] };
    await writeJson(path.join(this.dir, RUN_MARKER), this.marker);
  }

  /** Removes the tmp dirs of interrupted checkpoint writes (call once the checkpoint to use is loaded). */
  async removeLeftovers(keep: string | null): Promise<void> {
    for (const name of CHECKPOINT_DIRS) {
      for (const d of await pendingDirs(path.join(this.dir, name))) if (d !== keep) await removeCheckpointDir(d);
    }
  }

  /** Writes `name` (atomically) into the dir and records it as the run's. */
  async writeRunFile(name: string, content: string): Promise<void> {
    if (!this.marker.files.includes(name)) {
      this.marker = { ...this.marker, files: [...this.marker.files, name] };
      await writeJson(path.join(this.dir, RUN_MARKER), this.marker);
    }
    await writeText(path.join(this.dir, name), content);
  }

  /** Unlocks the dir (idempotent). */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await releaseLock(this.dir);
  }
}

/** Removes the lock of `dir` if this process holds it. */
async function releaseLock(dir: string): Promise<void> {
  const file = path.join(dir, LOCK_FILE);
  const lock = await readJsonFile<LockInfo>(file).catch(() => null);
  if (lock !== null && lock.pid === process.pid && lock.host === os.hostname()) await fsp.rm(file, { force: true });
}

/** A folder written by a seqrec before the marker: a checkpoint with its run.json. */
/**
 * True when `names` are only what a train writes while it claims a new folder (its lock, the
 * lock's and the marker's temp files) and the lock, if there, is a seqrec lock: a train is
 * claiming the folder right now (or was killed doing so), so the lock, not the marker, decides.
 */
async function isBeingClaimed(dir: string, names: string[]): Promise<boolean> {
  const claiming = (n: string): boolean =>
    n === LOCK_FILE || isAtomicTempFileOf(n, LOCK_FILE) || isAtomicTempFileOf(n, RUN_MARKER);
  if (!names.every(claiming)) return false;
  if (!names.includes(LOCK_FILE)) return true;
  const file = path.join(dir, LOCK_FILE);
  const text = await fsp.readFile(file, 'utf8').catch(() => '');
  try {
    parseLock(file, text);
    return true;
  } catch {
    return false;
  }
}

async function isOlderSeqrecRun(dir: string): Promise<boolean> {
  for (const name of CHECKPOINT_DIRS)
    for (const d of [name, `${name}.old`]) if (await exists(path.join(dir, d, 'run.json'))) return true;
  return false;
}

/** Creates the lock atomically (complete content or none: written aside, then hard-linked in). */
async function takeLock(dir: string, report: (message: string) => void): Promise<void> {
  const file = path.join(dir, LOCK_FILE);
  const info: LockInfo = { pid: process.pid, host: os.hostname(), started: new Date().toISOString() };
  const aside = atomicTempFileFor(file);
  await fsp.writeFile(aside, JSON.stringify(info) + '\n');
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await fsp.link(aside, file);
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
      }
      const text = await fsp.readFile(file, 'utf8').catch(() => '');
      const held = parseLock(file, text);
      const since = `since ${held.started}; lock ${file}`;
      if (held.host !== os.hostname() || processRuns(held.pid)) {
        throw new TrainDirError(
          `train dir ${dir} is in use by another seqrec train (pid ${held.pid} on host ${short(
            held.host,
            60,
          )}, ${since}); ` + 'if that process is gone, delete the lock file',
        );
      }
      report(
        `taking over the stale lock ${file} (pid ${held.pid} on this host ${since.slice(
          0,
          since.indexOf(';'),
        )} no longer runs)`,
      );
      await fsp.rm(file, { force: true });
    }
  } finally {
    await fsp.rm(aside, { force: true });
  }
}

function parseLock(file: string, text: string): LockInfo {
  return parseJsonFile<LockInfo>(file, text, hasFields({ pid: 'number', host: 'string', started: 'string' }));
}

async function writeText(file: string, content: string): Promise<void> {
  await writeFileAtomic(file, content);
}

async function writeJson(file: string, value: unknown): Promise<void> {
  await writeText(file, JSON.stringify(value, null, 2) + '\n');
}
