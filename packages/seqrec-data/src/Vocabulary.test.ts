import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataFormatError, Vocabulary } from '@seqrec/data';
import { loadVocabulary, saveVocabulary } from '@seqrec/data/node';

describe('Vocabulary', () => {
  it('orders integer raw ids numerically, so 1..N keep their ids', () => {
    const v = Vocabulary.fromRawIds(['10', '2', '1', '2'], ['3', '1', '2']);
    expect(v.users).toEqual(['', '1', '2', '10']);
    expect(v.userId('10')).toBe(3);
    expect(v.itemId('2')).toBe(2);
    expect(v.numUsers).toBe(3);
    expect(v.numItems).toBe(3);
  });

  it('orders any non-integer raw ids lexicographically', () => {
    const v = Vocabulary.fromRawIds(['b', '10', 'a', '9'], ['x']);
    expect(v.users).toEqual(['', '10', '9', 'a', 'b']);
    expect(v.rawUser(3)).toBe('a');
    expect(v.userId('zzz')).toBeUndefined();
    expect(() => v.rawItem(2)).toThrow(RangeError);
    expect(() => v.rawItem(0)).toThrow(RangeError);
  });

  it('round-trips through JSON and through an atomic save/load', async () => {
    const v = Vocabulary.fromRawIds(['u1', 'u2'], ['i "quoted"', 'ümlaut']);
    expect(Vocabulary.fromJSON(JSON.parse(JSON.stringify(v))).items).toEqual(v.items);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqrec-vocab-'));
    try {
      const file = path.join(dir, 'vocab.json');
      await saveVocabulary(v, file);
      expect(fs.readdirSync(dir)).toEqual(['vocab.json']); // no temp file left behind
      const back = await loadVocabulary(file);
      expect(back.users).toEqual(v.users);
      expect(back.itemId('ümlaut')).toBe(2);
      await expect(loadVocabulary(path.join(dir, 'missing.json'))).rejects.toThrow(
        `${path.join(dir, 'missing.json')}: cannot read (ENOENT)`,
      );
      fs.writeFileSync(path.join(dir, 'bad.json'), '{');
      await expect(loadVocabulary(path.join(dir, 'bad.json'))).rejects.toThrow(DataFormatError);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects malformed JSON objects, naming the source', () => {
    expect(() => Vocabulary.fromJSON({ kind: 'other' }, 'v.json')).toThrow(
      'v.json: not a seqrec-vocabulary JSON object',
    );
    expect(() =>
      Vocabulary.fromJSON({ kind: 'seqrec-vocabulary', version: 1, users: ['a', 'a'], items: [] }, 'v.json'),
    ).toThrow("v.json: user raw id 'a' appears twice");
  });
});
