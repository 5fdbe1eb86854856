import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildDataset } from '@seqrec/data';
import { loadInteractions } from '@seqrec/data/node';
import { requireOutside } from '@seqrec/test-utils';
import { makeZip } from './test-utils/makeZip';

const RATINGS = '1::1193::5::978300760\n1::661::3::978302109\n2::1357::5::978298709\n';

describe('loadInteractions', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqrec-load-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('loads a plain file, a .gz, a zip and a folder to the same interactions', async () => {
    const plain = path.join(dir, 'ratings.dat');
    fs.writeFileSync(plain, RATINGS);
    const gz = path.join(dir, 'data.gz');
    fs.writeFileSync(gz, gzipSync(RATINGS));
    const zip = path.join(dir, 'ml-1m.zip');
    fs.writeFileSync(
      zip,
      makeZip([
        { name: 'ml-1m/', data: Buffer.alloc(0), store: true },
        { name: 'ml-1m/movies.dat', data: Buffer.from('x') },
        { name: 'ml-1m/ratings.dat', data: Buffer.from(RATINGS) },
      ]),
    );
    const folder = path.join(dir, 'unpacked');
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'ratings.dat'), RATINGS);

    const logs = await Promise.all([plain, gz, zip, folder].map((f) => loadInteractions(f)));
    for (const log of logs) {
      expect(log.format).toBe('ml-1m');
      expect(log.rawUsers).toEqual(['1', '1', '2']);
      expect(log.rawItems).toEqual(['1193', '661', '1357']);
      expect(Array.from(log.timestamps ?? [])).toEqual([978300760, 978302109, 978298709]);
    }
    expect(logs[2].source).toBe(`${zip}/ml-1m/ratings.dat`);
  });

  it('reads a stored (uncompressed) zip entry', async () => {
    const zip = path.join(dir, 'stored.zip');
    fs.writeFileSync(zip, makeZip([{ name: 'u.data', data: Buffer.from('1\t2\t3\t4\n'), store: true }]));
    expect((await loadInteractions(zip)).format).toBe('ml-100k');
  });

  it('names the path of a missing file', async () => {
    const missing = path.join(dir, 'nope', 'ratings.dat');
    await expect(loadInteractions(missing)).rejects.toThrow(`${missing}: no such file or directory`);
  });

  it('names file and line for errors in gz files and in zip entries', async () => {
    const gz = path.join(dir, 'bad.dat.gz');
    fs.writeFileSync(gz, gzipSync('1::2::3::4\n1::2\n'));
    await expect(loadInteractions(gz)).rejects.toThrow(`${gz}:2: expected 4 fields separated by '::', got 2`);
    const zip = path.join(dir, 'bad.zip');
    fs.writeFileSync(zip, makeZip([{ name: 'ratings.dat', data: Buffer.from('1::2::3::x\n') }]));
    await expect(loadInteractions(zip)).rejects.toThrow(`${zip}/ratings.dat:1: timestamp 'x' is not a number`);
  });

  it('rejects an empty file and a folder without a known file', async () => {
    const empty = path.join(dir, 'empty.txt');
    fs.writeFileSync(empty, '');
    await expect(loadInteractions(empty)).rejects.toThrow(`${empty}: file is empty`);
    const folder = path.join(dir, 'nothing');
    fs.mkdirSync(folder);
    await expect(loadInteractions(folder)).rejects.toThrow(`${folder}: folder holds none of`);
  });

  it('decodes multi-byte UTF-8 ids split across stream chunks', async () => {
    const lines = Array.from({ length: 70000 }, (_, i) => `usér${i % 7} ítem${i % 13}`).join('\n');
    const file = path.join(dir, 'utf8.txt');
    fs.writeFileSync(file, lines);
    const log = await loadInteractions(file);
    expect(log.rawUsers.length).toBe(70000);
    expect(new Set(log.rawUsers)).toEqual(new Set(Array.from({ length: 7 }, (_, i) => `usér${i}`)));
  });
});

const DATA_DIR = path.resolve(__dirname, '../../../../shared/data');
const haveData = requireOutside('the licensed datasets (shared/data)', [
  path.join(DATA_DIR, 'ml-100k', 'u.data'),
  path.join(DATA_DIR, 'ml-1m-partial'),
]);
const describeIfData = haveData ? describe : describe.skip;

describeIfData('real datasets (shared/data)', () => {
  it('ML-100K u.data: 943 users, 1682 items, 100000 interactions', async () => {
    const log = await loadInteractions(path.join(DATA_DIR, 'ml-100k', 'u.data'));
    expect(log.format).toBe('ml-100k');
    const ds = buildDataset(log);
    expect([ds.numUsers, ds.numItems, log.rawUsers.length]).toEqual([943, 1682, 100000]);
    // Ids 1..N keep their numbers.
    expect(ds.vocab.rawUser(943)).toBe('943');
    expect(ds.vocab.rawItem(1682)).toBe('1682');
  });

  it('ML-1M partial ratings.dat.gz: 2999 users, 3615 items, 487650 interactions', async () => {
    const log = await loadInteractions(path.join(DATA_DIR, 'ml-1m-partial', 'ratings.dat.gz'));
    expect(log.format).toBe('ml-1m');
    const ds = buildDataset(log);
    expect([ds.numUsers, ds.numItems, log.rawUsers.length]).toEqual([2999, 3615, 487650]);
  });
});
