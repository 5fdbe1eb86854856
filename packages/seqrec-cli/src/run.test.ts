import { spawn, spawnSync } from 'node:child_process';
import { existsSync, promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { requireOutside } from '@seqrec/test-utils';
import { metricsFromRanks } from '@seqrec/train';
import type { CliIo } from './io';
import { run } from './run';

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(...argv: string[]): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), isTTY: false };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}

const jsonLines = (text: string) =>
  text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
let tmp: string;

beforeAll(async () => {
  tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'seqrec-cli-'));
});

describe('bad flags: one line on stderr, exit code 2', () => {
  const cases: [string, () => string[], RegExp][] = [
    ['unknown flag', () => ['train', '--train_dir', path.join(tmp, 'a'), '--bogus'], /unknown option '--bogus'/],
    [
      'heads not dividing hidden',
      () => ['train', '--train_dir', path.join(tmp, 'a'), '--hidden_units', '50', '--num_heads', '3'],
      /--num_heads 3 must divide --hidden_units 50/,
    ],
    ['negative lr', () => ['train', '--train_dir', path.join(tmp, 'a'), '--lr=-1'], /--lr must be a positive number/],
    [
      'kebab alias, bad value',
      () => ['train', '--train_dir', path.join(tmp, 'a'), '--batch-size', 'abc'],
      /: --batch-size must be an integer/,
    ],
    [
      'mistyped flag: a suggestion',
      () => ['train', '--train_dir', path.join(tmp, 'a'), '--batch_szie', '3'],
      /unknown option '--batch_szie' \(Did you mean --batch_size\?\)$/m,
    ],
    [
      'mistyped kebab-case flag: a kebab-case suggestion',
      () => ['train', '--train_dir', path.join(tmp, 'a'), '--lr-decay-stpe', '3'],
      /unknown option '--lr-decay-stpe' \(Did you mean --lr-decay-step\?\)$/m,
    ],
    ['mistyped command: a suggestion', () => ['trian'], /unknown command 'trian' \(Did you mean train\?\)$/m],
    [
      'short option: named as typed',
      () => ['recommend', '--train_dir', tmp, '-k', 'abc'],
      /: -k must be an integer >= 1, got 'abc'$/m,
    ],
    [
      'CSV without a user column: names the flag',
      () => ['stats', '--dataset', path.join(tmp, 'nouser.csv')],
      /nouser\.csv:1: no user column in header 'who', 'item' \(looked for .*; name it with --user_column\)$/m,
    ],
    [
      'missing dataset file',
      () => ['train', '--train_dir', path.join(tmp, 'a'), '--dataset', path.join(tmp, 'nope.txt')],
      /--dataset '.*nope\.txt': no such file/,
    ],
    [
      'unwritable train dir',
      () => ['train', '--train_dir', path.join(tmp, 'afile', 'sub')],
      /--train_dir .* is not writable/,
    ],
    [
      'cuda without tfjs-node-gpu',
      () => ['train', '--train_dir', path.join(tmp, 'a'), '--device', 'cuda'],
      /--device cuda is not available/,
    ],
    ['missing train dir', () => ['train'], /--train_dir/],
    [
      'zero workers',
      () => ['train', '--train_dir', path.join(tmp, 'a'), '--workers', '0'],
      /--workers must be an integer >= 1/,
    ],
    [
      'bad protocol',
      () => ['train', '--train_dir', path.join(tmp, 'a'), '--eval_protocol', 'all'],
      /--eval_protocol must be one of sampled, full, both/,
    ],
    [
      'bad loss normalization',
      () => ['train', '--train_dir', path.join(tmp, 'a'), '--loss_normalization', 'mean'],
      /--loss_normalization must be one of batch, epoch/,
    ],
    ['eval of a non-train dir', () => ['eval', '--train_dir', tmp], /no args\.json/],
  ];
  it.each(cases)('%s', async (_name, argv, message) => {
    await fsp.writeFile(path.join(tmp, 'afile'), 'x');
    await fsp.writeFile(path.join(tmp, 'nouser.csv'), 'who,item\n1,2\n1,3\n');
    const r = await cli(...argv());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^seqrec: error: .+\n$/);
    expect(r.stderr.split('\n')).toHaveLength(2);
    expect(r.stderr).toMatch(message);
  });
});

it('--version and -V print the cli package version', async () => {
  const { version } = JSON.parse(await fsp.readFile(path.join(__dirname, '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  for (const flag of ['--version', '-V']) {
    const r = await cli(flag);
    expect([r.code, r.stdout, r.stderr]).toEqual([0, `${version}\n`, '']);
  }
});

it('--user_column / --item_column name the CSV columns (kebab-case too)', async () => {
  const csv = path.join(tmp, 'columns.csv');
  await fsp.writeFile(csv, 'who,what\n1,2\n1,3\n2,3\n');
  const r = await cli('stats', '--dataset', csv, '--user-column', 'who', '--item_column', 'what', '--json');
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout)).toMatchObject({ users: 2, items: 2, interactions: 3 });
});

it('info --json lists versions and backends', async () => {
  const r = await cli('info', '--json');
  expect(r.code).toBe(0);
  const info = JSON.parse(r.stdout) as {
    tfjs: string;
    backend: string;
    backends: { candidate: string; available: boolean; detail: string }[];
  };
  expect(info.tfjs).toMatch(/^4\.22/);
  expect(info.backends.map((b) => b.candidate)).toEqual(['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu']);
  expect(info.backends.every((b) => b.detail.length > 0)).toBe(true);
});

it('bench is a registered command with its flags (the harness itself is tested in bench/)', async () => {
  const r = await cli('bench', '--help');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/time training steps/);
  for (const flag of ['--json', '--quick', '--variants', '--maxlens', '--skip_epoch']) expect(r.stdout).toContain(flag);
});

it('convert ml-1m: user then time order, stable, `user item timestamp` lines', async () => {
  const input = path.join(tmp, 'ratings.dat');
  await fsp.writeFile(
    input,
    ['10::5::3::300', '2::7::4::200', '10::6::5::100', '2::8::1::200', '2::9::2::50', ''].join('\n'),
  );
  const output = path.join(tmp, 'ml-1m.txt');
  const r = await cli('convert', 'ml-1m', input, output);
  expect(r.code).toBe(0);
  expect(await fsp.readFile(output, 'utf8')).toBe('2 9 50\n2 7 200\n2 8 200\n10 6 100\n10 5 300\n');
  expect((await cli('convert', 'ml-1m', path.join(tmp, 'missing.dat'), output)).code).toBe(2);
});

it('train (default TiSASRec + mHC, synthetic) -> eval reproduces the metrics -> recommend', async () => {
  const trainDir = path.join(tmp, 'run');
  const common = ['--maxlen', '20', '--hidden_units', '16', '--backend', 'wasm'];
  const t = await cli(
    'train',
    '--train_dir',
    trainDir,
    '--num_epochs',
    '2',
    '--eval_every',
    '2',
    '--eval_users',
    '300',
    '--workers',
    '2',
    ...common,
    '--json',
  );
  expect(t.stderr).not.toMatch(/error/);
  expect(t.code).toBe(0);
  const lines = jsonLines(t.stdout);
  const evals = lines.filter((l) => l['event'] === 'eval');
  expect(evals.map((e) => `${String(e['split'])}/${String(e['protocol'])}`)).toEqual([
    'valid/sampled',
    'valid/full',
    'test/sampled',
    'test/full',
  ]);
  const summary = lines.find((l) => l['event'] === 'summary') as {
    results: { split: string; protocol: string; metrics: Record<string, number> }[];
  };
  expect(summary.results).toHaveLength(4);
  const args = JSON.parse(await fsp.readFile(path.join(trainDir, 'args.json'), 'utf8')) as Record<string, unknown>;
  expect(args['batch_size']).toBe('128');
  expect(args['mhc_expansion_rate']).toBe('4');
  expect(args['workers']).toBe('2');
  expect(args['seqrec_version']).toMatch(/^\d+\.\d+\.\d+/);
  // Run from this repository's checkout, the commit is recorded too.
  if (existsSync(path.resolve(__dirname, '../../../.git'))) expect(args['git_commit']).toMatch(/^[0-9a-f]{40}$/);

  const ranksFile = path.join(trainDir, 'ranks.csv');
  const e = await cli('eval', '--train_dir', trainDir, '--json', '--ranks_out', ranksFile);
  expect(e.code).toBe(0);
  const again = jsonLines(e.stdout).map((l) => ({ split: l['split'], protocol: l['protocol'], metrics: l['metrics'] }));
  expect(again).toEqual(summary.results.map((r) => ({ split: r.split, protocol: r.protocol, metrics: r.metrics })));
  // The per-user ranks give back the same metrics, one row per user, split and protocol.
  const rows = (await fsp.readFile(ranksFile, 'utf8')).trim().split('\n');
  expect(rows[0]).toBe('split,protocol,user,rank');
  for (const r of summary.results) {
    const mine = rows.slice(1).filter((row) => row.startsWith(`${r.split},${r.protocol},`));
    const users = jsonLines(e.stdout).find((l) => l['split'] === r.split && l['protocol'] === r.protocol)!['users'];
    expect(mine).toHaveLength(users as number);
    const metrics = metricsFromRanks(
      mine.map((row) => Number(row.split(',')[3])),
      [10],
    );
    for (const [name, value] of Object.entries(r.metrics)) expect(metrics[name]).toBeCloseTo(value, 12);
  }

  // --inference_only takes a checkpoint, or a bare saved model (model.json + weights.bin +
  // vocab.json, as another framework can write it), and checks its item ids against --dataset.
  const bare = path.join(tmp, 'bare-model');
  await fsp.mkdir(bare);
  for (const f of ['model.json', 'weights.bin', 'vocab.json'])
    await fsp.copyFile(path.join(trainDir, 'best', f), path.join(bare, f));
  const infer = (from: string) =>
    cli(
      'train',
      '--train_dir',
      path.join(tmp, 'infer'),
      ...common,
      '--eval_users',
      '300',
      '--inference_only',
      '--state_dict_path',
      from,
      '--json',
    );
  const fromBare = await infer(bare);
  expect(fromBare.stderr).not.toMatch(/error/);
  expect(jsonLines(fromBare.stdout).find((l) => l['event'] === 'summary')!['results']).toEqual(summary.results);
  const vocab = JSON.parse(await fsp.readFile(path.join(bare, 'vocab.json'), 'utf8')) as { items: string[] };
  [vocab.items[3], vocab.items[4]] = [vocab.items[4]!, vocab.items[3]!];
  await fsp.writeFile(path.join(bare, 'vocab.json'), JSON.stringify(vocab));
  const swapped = await infer(bare);
  expect(swapped.code).toBe(2);
  expect(swapped.stderr).toMatch(/--state_dict_path .*bare-model: .*vocab\.json.*item id 4 is/);
  const empty = await infer(path.join(tmp, 'afile-dir-missing'));
  expect(empty.code).toBe(2);
  expect(empty.stderr).toMatch(/--state_dict_path .*afile-dir-missing: no saved model/);

  const rec = await cli('recommend', '--train_dir', trainDir, '--user', '1', '-k', '5', '--json');
  expect(rec.code).toBe(0);
  const out = JSON.parse(rec.stdout) as { items: { item: string; score: number }[] };
  expect(out.items).toHaveLength(5);
  const scores = out.items.map((i) => i.score);
  expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  const text = await cli('recommend', '--train_dir', trainDir, '--items', out.items[0]!.item, '-k', '3');
  expect(text.code).toBe(2); // time-aware model: --timestamps are required
  expect(text.stderr).toMatch(/--timestamps/);
  const withTimes = await cli(
    'recommend',
    '--train_dir',
    trainDir,
    '--items',
    `${out.items[0]!.item},${out.items[1]!.item}`,
    '--timestamps',
    '100,7300',
    '-k',
    '3',
  );
  expect(withTimes.code).toBe(0);
  const recommended = withTimes.stdout
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[1]);
  expect(recommended).toHaveLength(3);
  expect(recommended).not.toContain(out.items[0]!.item);
  expect(recommended).not.toContain(out.items[1]!.item);
});

it('a diverging run exits 3 with advice on one line', async () => {
  const r = await cli(
    'train',
    '--train_dir',
    path.join(tmp, 'nan'),
    '--lr',
    '1e30',
    '--warmup_steps',
    '0',
    '--num_epochs',
    '2',
    '--maxlen',
    '20',
    '--hidden_units',
    '16',
    '--no_time',
    '--no_mhc',
    '--backend',
    'wasm',
  );
  expect(r.code).toBe(3);
  expect(r.stderr).toMatch(/^seqrec: error: training diverged: .*lower --lr, a larger --batch_size.*\n$/);
});

const mainJs = path.join(__dirname, '..', 'dist', 'main.js');
(requireOutside('the build of @seqrec/cli (npm run build)', [mainJs]) ? it : it.skip)(
  'the built bin: bad flag -> exit 2 with one line; info --json works',
  () => {
    const bad = spawnSync(process.execPath, [mainJs, 'train', '--train_dir', path.join(tmp, 'b'), '--num_heads', '0'], {
      encoding: 'utf8',
    });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^seqrec: error: --num_heads must be an integer >= 1, got '0'\n$/);
    const info = spawnSync(process.execPath, [mainJs, 'info', '--json'], { encoding: 'utf8' });
    expect(info.status).toBe(0);
    expect((JSON.parse(info.stdout) as { node: string }).node).toBe(process.versions.node);
  },
);

const binShim = path.join(__dirname, '..', 'bin', 'seqrec.js');
(requireOutside('the build of @seqrec/cli (npm run build)', [mainJs]) ? it : it.skip)(
  'the bin shim runs the build; a reader that closes stdout early ends it quietly with exit 0',
  async () => {
    const version = spawnSync(process.execPath, [binShim, '--version'], { encoding: 'utf8' });
    expect([version.status, version.stderr]).toEqual([0, '']);
    // The reader goes away before seqrec writes (info first picks a backend): the write fails with EPIPE.
    const child = spawn(process.execPath, [binShim, 'info'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect([code, stderr]).toEqual([0, '']);
  },
  300_000, // two node processes that load tfjs: seconds alone, minutes on a loaded machine
);
