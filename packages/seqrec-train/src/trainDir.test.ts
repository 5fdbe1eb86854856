/**
 * Issue 12 items 1, 2, 4: a train dir is seqrec's only when seqrec made it; a run is replaced only
 * on request and then only seqrec's files go; one train at a time (lock), stale locks named.
 */
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend } from '@seqrec/runtime';
import { findCheckpoint } from './checkpoint';
import { TrainDirError } from './errors';
import { MetricsLog } from './metricsLog';
import { train } from './trainer';
import { LOCK_FILE, RUN_MARKER } from './trainDir';
import { TINY_TRAIN, tempDir, tinySplit } from './test-utils/tiny';

const split = tinySplit();
const vocab = split.dataset.vocab.toJSON();
const quick = { ...TINY_TRAIN, prefetch: false, workers: 1, evalProtocols: ['sampled' as const], evalUsers: 50 };
const run = (trainDir: string, extra: Record<string, unknown> = {}) =>
  train(split, vocab, { ...quick, trainDir, numEpochs: 1, evalEvery: 1, ...extra }).then((r) => {
    r.model.dispose();
    return r;
  });

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

it('1: refuses a non-empty folder seqrec did not make, and leaves it as it was', async () => {
  const dir = await tempDir();
  await fsp.mkdir(path.join(dir, 'best'));
  await fsp.writeFile(path.join(dir, 'best', 'report.txt'), 'x');
  await expect(run(dir)).rejects.toThrow(TrainDirError);
  await expect(run(dir)).rejects.toThrow(/is not empty and was not made by seqrec \(it holds 'best'\)/);
  expect(await fsp.readdir(dir)).toEqual(['best']);
  expect(await fsp.readFile(path.join(dir, 'best', 'report.txt'), 'utf8')).toBe('x');
  // A file as train dir: named, exit-2 class.
  const file = path.join(dir, 'best', 'report.txt');
  await expect(run(file)).rejects.toThrow(/is a file, not a folder/);
});

it("2: a new run in an old run's folder is refused before anything changes; --overwrite deletes only seqrec's files", async () => {
  const dir = await tempDir();
  await run(dir, { runFiles: { 'args.json': '{"first":true}\n' } });
  await fsp.writeFile(path.join(dir, 'notes.txt'), 'mine');
  await fsp.writeFile(path.join(dir, 'best', 'my-report.txt'), 'mine too');
  const before = await fsp.readFile(path.join(dir, 'metrics.jsonl'), 'utf8');
  await expect(run(dir, { runFiles: { 'args.json': '{"second":true}\n' } })).rejects.toThrow(
    /holds a run already; continue it with --resume, or replace it with --overwrite/,
  );
  expect(await fsp.readFile(path.join(dir, 'metrics.jsonl'), 'utf8')).toBe(before);
  expect(await fsp.readFile(path.join(dir, 'args.json'), 'utf8')).toBe('{"first":true}\n');
  // best/ holds a file seqrec did not write: the overwrite keeps it and says so instead of deleting it.
  await expect(run(dir, { overwrite: true })).rejects.toThrow(
    /best holds files seqrec did not write \(my-report\.txt\)/,
  );
  await fsp.rename(path.join(dir, 'best', 'my-report.txt'), path.join(dir, 'my-report.txt'));
  const overwritten = await train(split, vocab, {
    ...quick,
    trainDir: dir,
    numEpochs: 1,
    overwrite: true,
    modelFactory: () => {
      throw new Error('model construction fails');
    },
  }).catch((e: Error) => e);
  // Model construction precedes the deletion: the failed overwrite left the old run whole.
  expect((overwritten as Error).message).toBe('model construction fails');
  expect(await findCheckpoint(path.join(dir, 'best'))).not.toBeNull();
  await run(dir, { overwrite: true, runFiles: { 'args.json': '{"third":true}\n' } });
  expect((await fsp.readdir(dir)).sort()).toEqual(
    ['.seqrec-run', 'args.json', 'best', 'best.old', 'last', 'metrics.jsonl', 'my-report.txt', 'notes.txt'].filter(
      (n) => n !== 'best.old',
    ),
  );
  expect(await fsp.readFile(path.join(dir, 'notes.txt'), 'utf8')).toBe('mine');
  expect(await fsp.readFile(path.join(dir, 'args.json'), 'utf8')).toBe('{"third":true}\n');
  expect((await MetricsLog.read(dir)).filter((r) => r['type'] === 'epoch')).toHaveLength(1);
});

it('4: one train at a time: a second train into a locked folder is refused; the lock goes when the train ends', async () => {
  const dir = await tempDir();
  const first = run(dir);
  // Let the first claim the folder (the lock appears before any epoch).
  for (let i = 0; i < 200 && !(await fsp.stat(path.join(dir, LOCK_FILE)).catch(() => null)); i++)
    await new Promise((r) => setTimeout(r, 10));
  await expect(run(dir, { resume: true })).rejects.toThrow(
    new RegExp(`is in use by another seqrec train \\(pid ${process.pid} on host ${os.hostname()}`),
  );
  await first;
  expect(await fsp.stat(path.join(dir, LOCK_FILE)).catch(() => null)).toBeNull();
  expect(await fsp.stat(path.join(dir, RUN_MARKER))).toBeTruthy();
});

it("4: a folder another train is claiming (its lock and the marker's temp file, no marker yet) is in use", async () => {
  const dir = await tempDir();
  const lock = { pid: process.pid, host: os.hostname(), started: '2026-01-01T00:00:00.000Z' };
  await fsp.writeFile(path.join(dir, LOCK_FILE), JSON.stringify(lock));
  await fsp.writeFile(path.join(dir, `.${RUN_MARKER}.${process.pid}.0123abcd.tmp`), '{');
  await expect(run(dir)).rejects.toThrow(/is in use by another seqrec train/);
  // A train.lock that is not seqrec's leaves the folder someone else's.
  await fsp.writeFile(path.join(dir, LOCK_FILE), 'their notes');
  await expect(run(dir)).rejects.toThrow(/is not empty and was not made by seqrec/);
  expect((await fsp.readdir(dir)).sort()).toEqual([`.${RUN_MARKER}.${process.pid}.0123abcd.tmp`, LOCK_FILE].sort());
});

it('4: a stale lock (its process gone, same host) is named and taken over', async () => {
  const dir = await tempDir();
  await fsp.writeFile(path.join(dir, RUN_MARKER), JSON.stringify({ kind: 'seqrec-train-dir', version: 1, files: [] }));
  // A pid that cannot run: above the kernel's pid_max.
  const stale = { pid: 2 ** 30, host: os.hostname(), started: '2026-01-01T00:00:00.000Z' };
  await fsp.writeFile(path.join(dir, LOCK_FILE), JSON.stringify(stale));
  const infos: string[] = [];
  await run(dir, {
    reporter: (e: { type: string; message?: string }) => e.type === 'info' && infos.push(e.message ?? ''),
  });
  expect(infos.join('\n')).toMatch(
    /taking over the stale lock .*train\.lock \(pid 1073741824 on this host since 2026-01-01/,
  );
  // A live lock of another host is not taken over.
  await fsp.writeFile(path.join(dir, LOCK_FILE), JSON.stringify({ ...stale, host: 'elsewhere' }));
  await expect(run(dir, { resume: true })).rejects.toThrow(
    /in use by another seqrec train \(pid 1073741824 on host elsewhere/,
  );
});
