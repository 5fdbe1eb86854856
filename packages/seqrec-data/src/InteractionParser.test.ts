import { DataFormatError, InteractionParser, detectFormat, parseInteractions } from '@seqrec/data';

describe('parseInteractions: formats', () => {
  it('reads ML-1M ratings.dat lines', () => {
    const log = parseInteractions('1::1193::5::978300760\n1::661::3::978302109\n', 'ratings.dat');
    expect(log.format).toBe('ml-1m');
    expect(log.rawUsers).toEqual(['1', '1']);
    expect(log.rawItems).toEqual(['1193', '661']);
    expect(Array.from(log.timestamps ?? [])).toEqual([978300760, 978302109]);
  });

  it('reads ML-100K u.data lines', () => {
    const log = parseInteractions('196\t242\t3\t881250949\n186\t302\t3\t891717742\n', 'u.data');
    expect(log.format).toBe('ml-100k');
    expect(log.rawItems).toEqual(['242', '302']);
    expect(Array.from(log.timestamps ?? [])).toEqual([881250949, 891717742]);
  });

  it('reads SASRec text with and without timestamps', () => {
    const plain = parseInteractions('1 10\n1 11\n2 10\n', 'ml.txt');
    expect(plain.format).toBe('sasrec');
    expect(plain.timestamps).toBeNull();
    expect(plain.rawUsers).toEqual(['1', '1', '2']);
    const timed = parseInteractions('a x 5\nb y 7\n', 'timed.txt');
    expect(Array.from(timed.timestamps ?? [])).toEqual([5, 7]);
  });

  it('reads CSV and TSV with a header, default and named columns, quoted fields', () => {
    const csv = parseInteractions('userId,movieId,rating,timestamp\n"u,1",m1,4,100\nu2,"m""2",3,50\n', 'r.csv');
    expect(csv.format).toBe('csv');
    expect(csv.rawUsers).toEqual(['u,1', 'u2']);
    expect(csv.rawItems).toEqual(['m1', 'm"2']);
    expect(Array.from(csv.timestamps ?? [])).toEqual([100, 50]);
    const tsv = parseInteractions('who\twhat\twhen\nA\tX\t1\n', 'r.tsv', {
      userColumn: 'who',
      itemColumn: 'what',
      timeColumn: 'when',
    });
    expect(tsv.format).toBe('tsv');
    expect(tsv.rawUsers).toEqual(['A']);
    const noTime = parseInteractions('user,item\n1,2\n', 'r.csv');
    expect(noTime.timestamps).toBeNull();
  });

  it('detects by content, not name, and the format option overrides detection', () => {
    expect(detectFormat('1::2::3::4')).toBe('ml-1m');
    expect(detectFormat('1\t2\t3\t4')).toBe('ml-100k');
    expect(detectFormat('user\titem\trating\ttimestamp')).toBe('tsv');
    expect(detectFormat('user,item')).toBe('csv');
    expect(detectFormat('1 2')).toBe('sasrec');
    expect(parseInteractions('1 2\n', 'ratings.dat').format).toBe('sasrec');
    const forced = parseInteractions('user item\nu1 i1\n', 'x', { format: 'sasrec' });
    expect(forced.rawUsers).toEqual(['user', 'u1']);
  });

  it('gives the same log however the text is chunked', () => {
    const text = '\uFEFF1::10::5::3\r\n1::11::5::1\r\n2::10::1::2\r\n';
    const whole = parseInteractions(text, 'r.dat');
    const parser = new InteractionParser('r.dat');
    for (const ch of text) parser.push(ch);
    expect(parser.end()).toEqual(whole);
  });
});

describe('parseInteractions: bad and odd input', () => {
  it('rejects an empty file', () => {
    expect(() => parseInteractions('', 'empty.txt')).toThrow('empty.txt: file is empty');
    expect(() => parseInteractions('\n\n', 'blank.txt')).toThrow('blank.txt: no interactions found');
  });

  it('names file and line for too few fields', () => {
    const text = '1::1::5::1\n1::2::5::2\n1::3::5\n';
    expect(() => parseInteractions(text, 'ratings.dat')).toThrow(
      "ratings.dat:3: expected 4 fields separated by '::', got 3",
    );
    expect(() => parseInteractions('1\t2\t3\t4\n1\t2\n', 'u.data')).toThrow(
      'u.data:2: expected 4 fields separated by tabs, got 2',
    );
    expect(() => parseInteractions('1 2 3\n1 2\n', 'a.txt')).toThrow('a.txt:2: expected 3 fields');
    expect(() => parseInteractions('user,item\n1\n', 'a.csv')).toThrow('a.csv:2: expected 2 fields');
  });

  it('names file and line for a non-numeric timestamp', () => {
    let err: unknown;
    try {
      parseInteractions('1::1::5::10\n1::2::5::soon\n', 'ratings.dat');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DataFormatError);
    expect((err as DataFormatError).line).toBe(2);
    expect((err as Error).message).toBe("ratings.dat:2: timestamp 'soon' is not a number");
  });

  it('names missing CSV columns and lists the header', () => {
    expect(() => parseInteractions('a,b\n1,2\n', 'x.csv')).toThrow(
      "x.csv:1: no user column in header 'a', 'b' (looked for user, user_id, userid, uid; set the userColumn option)",
    );
    expect(() => parseInteractions('user,b\n1,2\n', 'x.csv')).toThrow(
      "x.csv:1: no item column in header 'user', 'b' (looked for item, item_id, itemid, movie_id, movieid, iid; set the itemColumn option)",
    );
    expect(() => parseInteractions('user,item\n1,2\n', 'x.csv', { timeColumn: 'ts' })).toThrow(
      "x.csv:1: no timestamp column 'ts'",
    );
  });

  it('strips a UTF-8 BOM and CRLF endings', () => {
    const log = parseInteractions('\uFEFF196\t242\t3\t881250949\r\n186\t302\t3\t891717742\r\n', 'u.data');
    expect(log.format).toBe('ml-100k');
    expect(log.rawUsers).toEqual(['196', '186']);
    expect(Array.from(log.timestamps ?? [])).toEqual([881250949, 891717742]);
  });

  it('keeps duplicate lines: they are repeat interactions', () => {
    const log = parseInteractions('1 5 10\n1 5 10\n', 'dup.txt');
    expect(log.rawItems).toEqual(['5', '5']);
  });

  it('skips blank lines but counts them for line numbers', () => {
    expect(() => parseInteractions('1 2\n\n1\n', 'b.txt')).toThrow('b.txt:3:');
  });
});
