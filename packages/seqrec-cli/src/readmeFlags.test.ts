/**
 * The root README's table of `seqrec train` flags matches the implementation: the same flag
 * names, and for every flag with a default, the default the README states.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TRAIN_FLAGS } from './trainFlags';

const README = path.resolve(__dirname, '../../../README.md');

function flagRows(): Array<{ flags: string[]; defaults: string[] }> {
  const text = fs.readFileSync(README, 'utf8');
  const section = text.split('## Flags of `seqrec train`')[1]?.split('\n## ')[0] ?? '';
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `--'))
    .map((line) => {
      const [flagCell, defaultCell] = line.split(' | ');
      return {
        flags: [...flagCell.matchAll(/`--([a-z0-9_]+)`/g)].map((m) => m[1]),
        defaults: defaultCell.split(' / ').map((d) => d.replace(/`/g, '').trim()),
      };
    });
}

test('every train flag is in the README table and every README flag exists', () => {
  const documented = flagRows()
    .flatMap((row) => row.flags)
    .sort();
  const implemented = TRAIN_FLAGS.map(([name]) => name).sort();
  expect(documented).toEqual(implemented);
});

test('the README states the implemented defaults', () => {
  const defaults = new Map(TRAIN_FLAGS.map(([name, , def]) => [name, def]));
  let checked = 0;
  for (const row of flagRows()) {
    row.flags.forEach((flag, i) => {
      const implemented = defaults.get(flag);
      if (implemented === undefined) return; // switches and flags whose default is derived
      expect(`${flag}=${row.defaults[i]}`).toBe(`${flag}=${implemented}`);
      checked++;
    });
  }
  expect(checked).toBeGreaterThan(20);
});
