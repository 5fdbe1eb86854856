/**
 * Issue 12 items 9, 11, 16: input that used to be read silently wrong or echoed whole is refused
 * with one short message naming the file and line.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataFormatError } from './DataFormatError';
import { parseInteractions, MAX_LINE_CHARS } from './InteractionParser';
import { loadInteractions } from './loadInteractions';
import { makeZip } from './test-utils/makeZip';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqrec-bad-input-'));

describe('9: timestamps that a float64 cannot hold exactly', () => {
  it.each([
    ['1e400', /data\.txt:2: timestamp '1e400' is out of range \(beyond ±2\^53/],
    ['9007199254740993', /data\.txt:2: timestamp '9007199254740993' is out of range/],
    ['-1e300', /data\.txt:2: timestamp '-1e300' is out of range/],
  ])('%s', (ts, message) => {
    expect(() => parseInteractions(`1 2 100\n1 3 ${ts}\n`, 'data.txt')).toThrow(message);
  });
  it('2^53 itself and fractions still load', () => {
    const log = parseInteractions('1 2 9007199254740991\n1 3 1.5\n', 'data.txt');
    expect(Array.from(log.timestamps ?? [])).toEqual([9007199254740991, 1.5]);
  });
});

describe('16: bad input is never echoed whole', () => {
  it('a CR-only file: one short message naming the line ends', () => {
    const text = Array.from({ length: 20000 }, (_, i) => `${i} ${i + 1} ${i}`).join('\r');
    const error = (() => {
      try {
        parseInteractions(text, 'mac.txt');
      } catch (e) {
        return e as Error;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(DataFormatError);
    expect(error?.message).toMatch(/^mac\.txt:1: .*CR only \(convert them to LF\)$/);
    expect(error!.message.length).toBeLessThan(200);
  });
  it('a CR-only file larger than a line may be: stops at the limit', async () => {
    const file = path.join(dir, 'mac-big.txt');
    fs.writeFileSync(file, '1 2 3\r'.repeat(Math.ceil((2 * MAX_LINE_CHARS) / 6)));
    await expect(loadInteractions(file)).rejects.toThrow(
      /mac-big\.txt:1: line longer than 1048576 characters \(the file ends its lines with CR only/,
    );
  });
  it('binary bytes: named, not printed', async () => {
    const file = path.join(dir, 'binary.bin');
    fs.writeFileSync(
      file,
      Buffer.concat([Buffer.from('1 2 3\n4 5 6\n'), Buffer.from([0, 1, 2, 0x1b, 0x5b, 0x32, 0x4a])]),
    );
    const message = await loadInteractions(file).then(
      () => '',
      (e: Error) => e.message,
    );
    expect(message).toBe(`${file}:3: binary data (a NUL byte): not a text file of interactions`);
  });
  it('a long bad field is cut to a short, escaped excerpt', () => {
    const field = '\u001b[2J' + 'x'.repeat(5000);
    expect(() => parseInteractions(`1 2 3\n1 2 ${field}\n`, 'f.txt')).toThrow(
      /^f\.txt:2: timestamp '\\x1b\[2Jx{36}…' is not a number$/,
    );
  });
  it('a header of many columns is listed in part', () => {
    const header = Array.from({ length: 500 }, (_, i) => `column_${i}`).join(',');
    expect(() => parseInteractions(`${header}\n1,2\n`, 'h.csv')).toThrow(
      /in header 'column_0', .*'column_7', \.\.\. \(500 columns\) \(looked for [^)]*\)$/,
    );
  });
  it('/dev/zero and other devices are refused at once', async () => {
    if (!fs.existsSync('/dev/zero')) return;
    await expect(loadInteractions('/dev/zero')).rejects.toThrow(/^\/dev\/zero: not a regular file/);
  });
});

describe('11: a zip holding one unrelated file is not read as data', () => {
  it('refuses a lone entry named otherwise than the archive, naming the entries', async () => {
    const zip = path.join(dir, 'ratings-export.zip');
    fs.writeFileSync(zip, makeZip([{ name: 'README.txt', data: Buffer.from('see the website for details\n') }]));
    await expect(loadInteractions(zip)).rejects.toThrow(
      /no ratings\.dat or ratings\.dat\.gz or u\.data in the archive, nor one entry named as the archive \(entries: README\.txt\)/,
    );
  });
  it('takes a lone entry named as the archive', async () => {
    const zip = path.join(dir, 'mydata.zip');
    fs.writeFileSync(zip, makeZip([{ name: 'mydata.txt', data: Buffer.from('1 2 3\n') }]));
    expect((await loadInteractions(zip)).rawItems).toEqual(['2']);
  });
});
