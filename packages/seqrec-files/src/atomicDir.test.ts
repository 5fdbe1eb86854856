import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { atomicDirCandidates, resolveAtomicDir, writeDirAtomic, type SwapStage } from './atomicDir';
import { writeFileSynced } from './writeFileSynced';

let dir: string;
let target: string;
beforeEach(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'seqrec-files-'));
  target = path.join(dir, 'ckpt');
});
afterEach(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

const version = (n: number) => (tmp: string) => writeFileSynced(path.join(tmp, 'v'), String(n));
const read = (d: string) => fsp.readFile(path.join(d, 'v'), 'utf8');

test('a failing fill leaves the target and its previous version untouched and no tmp folder', async () => {
  await writeDirAtomic(target, version(1));
  await writeDirAtomic(target, version(2));
  const failing = async (tmp: string) => {
    await version(3)(tmp);
    throw new Error('fill failed');
  };
  await expect(writeDirAtomic(target, failing)).rejects.toThrow('fill failed');
  expect([await read(target), await read(`${target}.old`)]).toEqual(['2', '1']);
  expect((await fsp.readdir(dir)).sort()).toEqual(['ckpt', 'ckpt.old']);
});

/** Writes version 2 over version 1 and "crashes" (throws) right after `stage`. */
async function crashAfter(stage: SwapStage): Promise<void> {
  await writeDirAtomic(target, version(1));
  await writeDirAtomic(target, version(2));
  const crash = (s: SwapStage) => {
    if (s === stage) throw new Error(`crash after ${s}`);
  };
  await expect(writeDirAtomic(target, version(3), { onStage: crash })).rejects.toThrow(stage);
}

// Before the write: ckpt holds version 2, ckpt.old version 1; the write brings version 3.
test.each<[SwapStage, string[], string]>([
  ['filled', ['current:2', 'pending:3', 'previous:1'], '2'],
  ['old-removed', ['current:2', 'pending:3'], '2'],
  ['target-moved', ['pending:3', 'previous:2'], '2'],
  ['swapped', ['current:3', 'previous:2'], '3'],
])('a crash after %s leaves complete versions: %j', async (stage, expected, resolved) => {
  await crashAfter(stage);
  const candidates = await atomicDirCandidates(target);
  expect(await Promise.all(candidates.map(async (c) => `${c.kind}:${await read(c.dir)}`))).toEqual(expected);
  // resolveAtomicDir looks at no tmp folder: target, else target.old.
  expect(await read((await resolveAtomicDir(target)) as string)).toBe(resolved);
});

test('resolveAtomicDir is null when no version exists', async () => {
  expect(await resolveAtomicDir(target)).toBeNull();
  expect(await atomicDirCandidates(target)).toEqual([]);
});
