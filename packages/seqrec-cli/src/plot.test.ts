/** `seqrec plot`: a train dir's metrics.jsonl as an SVG learning curve. */
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cli } from './test-utils/cli';

let tmp: string;
beforeAll(async () => {
  tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'seqrec-plot-'));
});
afterAll(() => fsp.rm(tmp, { recursive: true, force: true }));

async function runDir(name: string, values: number[]): Promise<string> {
  const dir = path.join(tmp, name);
  await fsp.mkdir(dir);
  const lines = values.flatMap((v, i) => [
    { type: 'epoch', epoch: 20 * (i + 1), loss: 0.5 },
    { type: 'eval', epoch: 20 * (i + 1), split: 'valid', protocol: 'full', users: 9, metrics: { 'NDCG@10': v } },
  ]);
  await fsp.writeFile(path.join(dir, 'metrics.jsonl'), lines.map((l) => JSON.stringify(l) + '\n').join(''));
  return dir;
}

test('plot writes <train_dir>/curves.svg by default, and draws other runs given as label=dir', async () => {
  const a = await runDir('sasrec', [0.02, 0.05, 0.07]);
  const b = await runDir('tisasrec', [0.03, 0.06]);
  const one = await cli('plot', '--train_dir', a);
  expect(one).toMatchObject({ code: 0, stderr: '' });
  expect(one.stdout).toBe(`wrote ${path.join(a, 'curves.svg')} (1 series)\n`);
  const svg = await fsp.readFile(path.join(a, 'curves.svg'), 'utf8');
  expect(svg.match(/<circle /g)).toHaveLength(3);
  const out = path.join(tmp, 'both.svg');
  const two = await cli('plot', '--train_dir', a, '--out', out, `TiSASRec=${b}`, '--title', 'ML-100K');
  expect(two.code).toBe(0);
  const both = await fsp.readFile(out, 'utf8');
  expect(both.match(/<path /g)).toHaveLength(2);
  expect(both).toContain('>TiSASRec</text>');
  expect(both).toContain('>ML-100K</text>');
});

test('plot refuses a folder without evaluations of the metric, naming the file', async () => {
  const empty = path.join(tmp, 'empty');
  await fsp.mkdir(empty);
  const none = await cli('plot', '--train_dir', empty);
  expect(none.code).toBe(2);
  expect(none.stderr).toMatch(/metrics\.jsonl: no valid\/full\/NDCG@10 evaluations \(no metrics\.jsonl/);
  const a = await runDir('other-metric', [0.1]);
  const hr = await cli('plot', '--train_dir', a, '--metric', 'HR@20');
  expect(hr.stderr).toMatch(/no valid\/full\/HR@20 evaluations\n$/);
});
