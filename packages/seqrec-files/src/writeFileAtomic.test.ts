import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { atomicTempFileFor, isAtomicTempFileOf, writeFileAtomic } from './writeFileAtomic';

let dir: string;
beforeEach(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'seqrec-files-'));
});
afterEach(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

test('replaces the contents and leaves no temp file', async () => {
  const file = path.join(dir, 'a.json');
  await writeFileAtomic(file, 'old');
  await writeFileAtomic(file, new Uint8Array([110, 101, 119]));
  expect(await fsp.readFile(file, 'utf8')).toBe('new');
  expect(await fsp.readdir(dir)).toEqual(['a.json']);
});

test('a failed rename keeps the old file, removes the temp file and names the file', async () => {
  const target = path.join(dir, 'taken');
  await fsp.mkdir(target);
  await fsp.writeFile(path.join(target, 'inside'), 'kept');
  const error = (await writeFileAtomic(target, 'x').catch((e: unknown) => e)) as NodeJS.ErrnoException;
  expect(error.code).toMatch(/^(EISDIR|ENOTEMPTY|EEXIST|EPERM)$/);
  expect(await fsp.readdir(dir)).toEqual(['taken']);
  expect(await fsp.readFile(path.join(target, 'inside'), 'utf8')).toBe('kept');
});

test('a missing folder is an error naming the path, and nothing is created', async () => {
  const file = path.join(dir, 'no-such-folder', 'a.json');
  const error = (await writeFileAtomic(file, 'x').catch((e: unknown) => e)) as NodeJS.ErrnoException;
  expect(error.code).toBe('ENOENT');
  expect(error.path).toContain('no-such-folder');
  expect(await fsp.readdir(dir)).toEqual([]);
});

test('its temp files are recognised as those of their target, and only those', () => {
  const temp = path.basename(atomicTempFileFor(path.join(dir, 'weights.bin')));
  expect(isAtomicTempFileOf(temp, 'weights.bin')).toBe(true);
  expect(isAtomicTempFileOf(temp, 'model.json')).toBe(false);
  for (const other of ['weights.bin', '.weights.bin.tmp', '.weights.bin.12.xyz.tmp', '.weights.bin.12.abcdef01.tmp.x'])
    expect([other, isAtomicTempFileOf(other, 'weights.bin')]).toEqual([other, false]);
});
