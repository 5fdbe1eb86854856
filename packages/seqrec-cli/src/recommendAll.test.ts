import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cli } from './test-utils/cli';

interface Line {
  user: string;
  items: string[];
  scores: number[];
}
const lines = (text: string): Line[] =>
  text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Line);

let tmp: string;
let trainDir: string;

beforeAll(async () => {
  tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'seqrec-recall-'));
  trainDir = path.join(tmp, 'run');
  const t = await cli(
    'train',
    ...['--train_dir', trainDir, '--num_epochs', '1', '--eval_every', '1', '--eval_users', '50'],
    ...['--eval_protocol', 'sampled', '--workers', '1', '--maxlen', '12', '--hidden_units', '8'],
    ...['--num_blocks', '1', '--no_mhc', '--backend', 'wasm'],
  );
  expect(t.code).toBe(0);
}, 120_000);

afterAll(async () => {
  await fsp.rm(tmp, { recursive: true, force: true });
});

it("writes every user's top-k, equal to `recommend --user`, and shards add up to the whole", async () => {
  const all = path.join(tmp, 'all.jsonl');
  const r = await cli('recommend', '--train_dir', trainDir, '--all', '--out', all, '-k', '4', '--batch_size', '50');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const text = await fsp.readFile(all, 'utf8');
  const got = lines(text);
  const vocab = JSON.parse(await fsp.readFile(path.join(trainDir, 'best', 'vocab.json'), 'utf8')) as {
    users: string[];
  };
  expect(got.map((l) => l.user)).toEqual(vocab.users);
  for (const l of [got[0], got[137], got[got.length - 1]] as Line[]) {
    const one = await cli('recommend', '--train_dir', trainDir, '--user', l.user, '-k', '4', '--json');
    const want = (JSON.parse(one.stdout) as { items: { item: string; score: number }[] }).items;
    expect(l.items).toEqual(want.map((w) => w.item));
    l.scores.forEach((s, i) => expect(Math.abs(s - want[i]!.score)).toBeLessThan(1e-5));
  }

  const parts: string[] = [];
  for (const i of [1, 2, 3]) {
    const out = path.join(tmp, `part-${i}.jsonl`);
    const p = await cli('recommend', '--train_dir', trainDir, '--all', '--shard', `${i}/3`, '--out', out, '-k', '4');
    expect(p.code).toBe(0);
    parts.push(await fsp.readFile(out, 'utf8'));
  }
  expect(parts.every((p) => p.length > 0)).toBe(true);
  expect(parts.join('')).toBe(text);
  expect((await fsp.readdir(tmp)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
}, 120_000);

it('a rerun of a finished shard is a no-op; a damaged or differently asked one is redone', async () => {
  const out = path.join(tmp, 'shard.jsonl');
  const args = ['recommend', '--train_dir', trainDir, '--all', '--shard', '2/4', '--out', out, '-k', '3'];
  expect((await cli(...args)).stdout).toMatch(/^wrote \d+ users \(shard 2\/4\)/);
  const firstStat = await fsp.stat(out);
  const again = await cli(...args);
  expect(again.code).toBe(0);
  expect(again.stdout).toMatch(/^already complete/);
  expect((await fsp.stat(out)).mtimeMs).toBe(firstStat.mtimeMs);

  const original = await fsp.readFile(out, 'utf8');
  await fsp.writeFile(out, original.slice(0, 100)); // a damaged output
  expect((await cli(...args)).stdout).toMatch(/^wrote/);
  expect(await fsp.readFile(out, 'utf8')).toBe(original);

  const k5 = await cli(...args.slice(0, -1), '5'); // other inputs: redone
  expect(k5.stdout).toMatch(/^wrote/);
  expect(lines(await fsp.readFile(out, 'utf8'))[0]!.items).toHaveLength(5);
}, 120_000);

it('refuses to replace a file it did not write, and bad flags, with exit 2', async () => {
  const foreign = path.join(tmp, 'foreign.jsonl');
  await fsp.writeFile(foreign, 'precious\n');
  const r = await cli('recommend', '--train_dir', trainDir, '--all', '--out', foreign);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/--out .*foreign\.jsonl exists and was not written by seqrec/);
  expect(await fsp.readFile(foreign, 'utf8')).toBe('precious\n');
  for (const [argv, message] of [
    [['--all', '--out', path.join(tmp, 'x.jsonl'), '--shard', '3/2'], /--shard must be i\/n/],
    [['--all'], /--all needs --out/],
    [['--all', '--user', '1', '--out', path.join(tmp, 'x.jsonl')], /give no --user or --items/],
    [['--user', '1', '--shard', '1/2'], /--shard and --out go with --all/],
    [['--all', '--out', path.join(tmp, 'no-dir', 'x.jsonl')], /--out .*cannot write there/],
  ] as const) {
    const bad = await cli('recommend', '--train_dir', trainDir, ...argv);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(message);
  }
});
