/**
 * Issue 12 through the command line: items 7, 8, 11-16 (and the exit codes of 1-6): every bad
 * input or environment is exit 2 with one short line naming the file, line, flag or limit.
 */
import { promises as fsp, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateSyntheticInteractions } from '@seqrec/data';
import { writeInteractionsText } from '@seqrec/data/node';
import { writeFileSynced } from '@seqrec/files';
import { environmentProblem } from './errors';
import { cli } from './test-utils/cli';

/** Exit 2 with exactly one `seqrec: error:` line matching `message`, shorter than 400 characters. */
function expectUsageError(r: { code: number; stderr: string }, message: RegExp): void {
  expect(r.stderr).toMatch(message);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^seqrec: error: [^\n]+\n$/);
  expect(r.stderr.length).toBeLessThan(400);
}

const TINY = ['--no_time', '--no_mhc', '--maxlen', '10', '--hidden_units', '8', '--num_blocks', '1'];
const isRoot = process.getuid?.() === 0;
let tmp: string;

beforeAll(async () => {
  tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'seqrec-reliability-'));
});

it('7: eval and recommend refuse a dataset edited in place since training (items relabelled)', async () => {
  const data = path.join(tmp, 'data.txt');
  await writeInteractionsText(data, generateSyntheticInteractions({ users: 80, items: 30, seed: 2 }));
  const trainDir = path.join(tmp, 'run7');
  const t = await cli(
    'train',
    '--train_dir',
    trainDir,
    '--dataset',
    data,
    ...TINY,
    '--num_epochs',
    '1',
    '--eval_users',
    '20',
    '--eval_protocol',
    'sampled',
    '--workers',
    '1',
    '--backend',
    'cpu',
  );
  expect(t.stderr).not.toMatch(/error/);
  expect(t.code).toBe(0);
  expect((await cli('eval', '--train_dir', trainDir, '--backend', 'cpu')).code).toBe(0);
  // Relabel two items: same users, same item count, same lines, other meaning.
  const text = await fsp.readFile(data, 'utf8');
  const lines = text
    .trim()
    .split('\n')
    .map((l) => l.split(' '));
  const [a, b] = [lines[0]![1]!, lines.find((l) => l[1] !== lines[0]![1])![1]!];
  const swapped = lines.map(([u, i, ts]) => `${u} ${i === a ? b : i === b ? a : i} ${ts}`).join('\n') + '\n';
  await fsp.writeFile(data, swapped);
  expectUsageError(
    await cli('eval', '--train_dir', trainDir, '--backend', 'cpu'),
    /--dataset .*data\.txt changed since training: its fingerprint sha256:/,
  );
  expectUsageError(await cli('recommend', '--train_dir', trainDir, '--user', lines[0]![0]!), /changed since training/);
  // 2 (CLI): a second train into the run is refused; args.json is the first run's.
  const args = await fsp.readFile(path.join(trainDir, 'args.json'), 'utf8');
  expectUsageError(
    await cli('train', '--train_dir', trainDir, '--dataset', data, ...TINY, '--num_epochs', '1', '--backend', 'cpu'),
    /holds a run already; continue it with --resume, or replace it with --overwrite/,
  );
  // 6 (CLI): --resume with another --seed names the flag; with other data, --dataset.
  expectUsageError(
    await cli(
      'train',
      '--train_dir',
      trainDir,
      '--dataset',
      data,
      ...TINY,
      '--num_epochs',
      '2',
      '--eval_users',
      '20',
      '--eval_protocol',
      'sampled',
      '--backend',
      'cpu',
      '--resume',
      '--seed',
      '5',
    ),
    /cannot resume .*: .*--seed \(run: 42, now: 5\).*--dataset \(run: sha256:/,
  );
  expect(await fsp.readFile(path.join(trainDir, 'args.json'), 'utf8')).toBe(args);
});

it('8: a dataset without a trainable and evaluable user is refused before training', async () => {
  const data = path.join(tmp, 'short.txt');
  await fsp.writeFile(data, '1 1 1\n1 2 2\n2 1 1\n2 3 2\n3 2 5\n');
  const trainDir = path.join(tmp, 'run8');
  expectUsageError(
    await cli('train', '--train_dir', trainDir, '--dataset', data, ...TINY, '--num_epochs', '1', '--backend', 'cpu'),
    /the data cannot train a model: of its 3 users, 2 give a training sample .* and 0 can be evaluated \(3 or more interactions\)/,
  );
  expect(await fsp.readdir(trainDir)).toEqual([]);
});

it('11: convert refuses to overwrite its own input', async () => {
  const input = path.join(tmp, 'ratings.dat');
  await fsp.writeFile(input, '1::2::3::4\n1::3::4::5\n');
  expectUsageError(await cli('convert', 'ml-1m', input, input), /the output .*ratings\.dat is the input/);
  await fsp.link(input, path.join(tmp, 'ratings-link.dat'));
  expectUsageError(await cli('convert', 'ml-1m', input, path.join(tmp, 'ratings-link.dat')), /is the input/);
  expect(await fsp.readFile(input, 'utf8')).toBe('1::2::3::4\n1::3::4::5\n');
});

describe('12: the 4 GB wasm heap', () => {
  it.each([
    [
      ['--batch_size', '4096', '--maxlen', '200'],
      /needs at least \d+\.\d GB per training step \(attention weights: .*lower --batch_size, --maxlen/,
    ],
    [
      ['--mhc_expansion_rate', '64', '--batch_size', '512'],
      /\(residual streams: .*lower --mhc_expansion_rate, --batch_size/,
    ],
  ])('%j is refused before training, naming the flags to lower', async (flags, message) => {
    const trainDir = path.join(tmp, `run12-${flags.join('')}`);
    expectUsageError(await cli('train', '--train_dir', trainDir, '--backend', 'wasm', ...flags), message);
    expect(await fsp.readdir(trainDir)).toEqual([]);
  });
  it('an overflow that still happens is reported as such', () => {
    const wasm = (globalThis as unknown as { WebAssembly: { RuntimeError: ErrorConstructor } }).WebAssembly;
    const overflow = new wasm.RuntimeError('memory access out of bounds');
    expect(environmentProblem(overflow)).toMatch(/^the wasm heap \(4 GB\) overflowed: .*lower --batch_size/);
    expect(environmentProblem(new TypeError('x is undefined'))).toBeNull();
  });
});

it.each([
  [['--maxlen', '100000000'], /--maxlen must be at most 10000, got '100000000'/],
  [['--time_span', '1000000000'], /--time_span must be at most 100000/],
  [['--mhc_expansion_rate', '100'], /--mhc_expansion_rate must be at most 64/],
  [['--batch_size', '1e9'], /--batch_size must be an integer >= 1, got '1e9'/],
  [['--lr', 'x'.repeat(5000)], /--lr must be a positive number, got 'x{40}…'/],
])('13: %j: the flag and its limit are named at once', async (flags, message) => {
  expectUsageError(await cli('train', '--train_dir', path.join(tmp, 'run13'), ...flags), message);
});

describe('14: corrupt state files are named', () => {
  it.each([
    ['{}', /args\.json: no 'dataset' \(not written by seqrec train\?\)/],
    ['{"dataset": "x", "data_dir": "d", "seqrec_settings": {}}', /args\.json: 'seqrec_settings' has no 'device'/],
    ['{"dataset": ', /args\.json: not valid JSON \(starts with '\{"dataset": '\)/],
  ])('args.json = %s', async (content, message) => {
    const dir = await fsp.mkdtemp(path.join(tmp, 'args-'));
    await fsp.writeFile(path.join(dir, 'args.json'), content);
    expectUsageError(await cli('eval', '--train_dir', dir), message);
    expectUsageError(await cli('recommend', '--train_dir', dir, '--user', '1'), message);
  });
  it('a corrupt train dir marker', async () => {
    const dir = await fsp.mkdtemp(path.join(tmp, 'marker-'));
    await fsp.writeFile(path.join(dir, '.seqrec-run'), '\u0000\u0001garbage');
    expectUsageError(
      await cli('train', '--train_dir', dir, ...TINY, '--backend', 'cpu'),
      /\.seqrec-run: not valid JSON \(starts with '\\x00\\x01garbage'\)/,
    );
  });
});

describe('15: system errors are exit 2 naming the path', () => {
  it('--train_dir that is a file (ENOTDIR)', async () => {
    const file = path.join(tmp, 'a-file');
    await fsp.writeFile(file, 'x');
    expectUsageError(await cli('train', '--train_dir', file), /--train_dir .*a-file is a file, not a folder/);
    expectUsageError(
      await cli('train', '--train_dir', path.join(file, 'sub')),
      /--train_dir .*a-file[/\\]sub is not writable \(ENOTDIR\)/,
    );
  });
  it('a full disk (ENOSPC, which the system reports without a path)', async () => {
    if (process.platform !== 'linux') return;
    const error = await writeFileSynced('/dev/full', 'x').catch((e: unknown) => e);
    expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
    expect(environmentProblem(error)).toBe('/dev/full: no space left on the device (ENOSPC, write)');
  });
  (isRoot ? it.skip : it)(
    'an unreadable dataset (EACCES) and a dataset in an unreadable folder (skipped as root: root reads everything)',
    async () => {
      const data = path.join(tmp, 'secret.txt');
      writeFileSync(data, '1 2 3\n');
      await fsp.chmod(data, 0o000);
      expectUsageError(
        await cli('train', '--train_dir', path.join(tmp, 'run15'), '--dataset', data),
        /secret\.txt: cannot read \(permission denied, EACCES\)/,
      );
      const folder = path.join(tmp, 'closed');
      await fsp.mkdir(folder);
      writeFileSync(path.join(folder, 'data.txt'), '1 2 3\n');
      await fsp.chmod(folder, 0o000);
      expectUsageError(
        await cli('train', '--train_dir', path.join(tmp, 'run15'), '--dataset', path.join(folder, 'data.txt')),
        /--dataset .*closed[/\\]data\.txt: cannot be read \(permission denied on it or a folder above it, EACCES\)/,
      );
      await fsp.chmod(folder, 0o755);
    },
  );
});

describe('16: bad input is named, never echoed', () => {
  it('a CR-only file', async () => {
    const data = path.join(tmp, 'mac.txt');
    await fsp.writeFile(data, Array.from({ length: 50000 }, (_, i) => `${i % 50} ${i % 70} ${i}`).join('\r'));
    expectUsageError(
      await cli('train', '--train_dir', path.join(tmp, 'run16'), '--dataset', data),
      /mac\.txt:1: .*CR only/,
    );
  });
  it('binary bytes', async () => {
    const data = path.join(tmp, 'bin.dat');
    await fsp.writeFile(data, Buffer.from([0x1b, 0x5b, 0x32, 0x4a, 0, 0xff, 0xfe, 10, 0]));
    const r = await cli('train', '--train_dir', path.join(tmp, 'run16'), '--dataset', data);
    expectUsageError(r, /bin\.dat:1: binary data/);
    expect(r.stderr).not.toContain('\u001b');
  });
  (process.platform === 'linux' ? it : it.skip)('--dataset /dev/zero does not hang', async () => {
    expectUsageError(
      await cli('train', '--train_dir', path.join(tmp, 'run16'), '--dataset', '/dev/zero'),
      /\/dev\/zero: not a regular file/,
    );
  });
});
