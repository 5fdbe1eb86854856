/**
 * The benchmark harness in --quick mode on tiny sizes: the report has every field, finite and
 * positive, and names the backend and versions. No timing is asserted (tests never do).
 */
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command } from 'commander';
import { generateSyntheticInteractions } from '@seqrec/data';
import { writeInteractionsText } from '@seqrec/data/node';
import { requireOutside } from '@seqrec/test-utils';
import { benchOptionsFromFlags, registerBenchCommand } from '../commands/bench';
import { renderBench, runBench, type BenchOptions, type BenchReport } from './index';

const TINY: BenchOptions = {
  backend: 'cpu',
  quick: true,
  maxlens: [8],
  batch: 4,
  hidden: 8,
  blocks: 1,
  heads: 2,
  timeSpan: 16,
  numItems: 40,
  score: { candidates: 11, users: 5, chunk: 2 },
  epochMaxlen: 8,
  epochHeads: 1,
};

function expectPositive(x: unknown): void {
  expect(typeof x).toBe('number');
  expect(Number.isFinite(x as number)).toBe(true);
  expect(x as number).toBeGreaterThan(0);
}

function expectHeader(r: BenchReport, backend: string): void {
  expect(r.kind).toBe('seqrec-bench');
  expect(r.machine.backend).toBe(backend);
  expect(r.machine.node).toBe(process.versions.node);
  expect(r.machine.tfjs).toMatch(/^\d+\.\d+\.\d+/);
  expect(r.machine.seqrec).toMatch(/^\d+\.\d+\.\d+/);
  expect(r.machine.cpuModel.length).toBeGreaterThan(0);
  expectPositive(r.machine.cores);
  expect(r.loadAverage.start).toHaveLength(3);
  expect(r.loadAverage.end).toHaveLength(3);
  expect(r.flags['quick']).toBe(true);
  expect(r.failures).toEqual([]);
  // the --json document is one JSON value
  expect(JSON.parse(JSON.stringify(r))).toEqual(r);
}

let dir: string;
beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'seqrec-bench-test-'));
  await writeInteractionsText(
    path.join(dir, 'ratings.txt'),
    generateSyntheticInteractions({ users: 30, items: 40, seed: 3, meanLength: 8 }),
  );
});
afterAll(() => fsp.rm(dir, { recursive: true, force: true }));

test('in-process quick run: every variant, every field finite and positive, epochs on a data file', async () => {
  const events: string[] = [];
  const r = await runBench({ ...TINY, isolate: false, dataset: path.join(dir, 'ratings.txt') }, (e) =>
    events.push(`${e.type} ${e.what}`),
  );
  expectHeader(r, 'cpu');
  // 4 variants at h2, plus h1 for SASRec and TiSASRec
  expect(r.steps.map((s) => `${s.config.variant} h${s.config.heads}`)).toEqual([
    'sasrec h2',
    'sasrec h1',
    'sasrec+mhc h2',
    'tisasrec h2',
    'tisasrec h1',
    'tisasrec+mhc h2',
  ]);
  for (const s of r.steps) {
    for (const k of [
      'stepSeconds',
      'score1Seconds',
      'scoreManySeconds',
      'fullRankSeconds',
      'peakRssBytes',
      'numParams',
    ] as const)
      expectPositive(s[k]);
    expect(s.stepSamples).toHaveLength(1);
    expect(s.backend).toBe('cpu');
    expect(s.isolated).toBe(false);
    expect(s.loadAverage).toHaveLength(3);
  }
  expect(r.epochs.map((e) => e.variant)).toEqual(['sasrec', 'tisasrec']);
  for (const e of r.epochs) {
    expect(e.epochSeconds).toHaveLength(1);
    e.epochSeconds.forEach(expectPositive);
    for (const k of ['stepsPerEpoch', 'users', 'items', 'peakRssBytes'] as const) expectPositive(e[k]);
  }
  expect(events).toHaveLength(2 * (r.steps.length + r.epochs.length));
  const text = renderBench(r).join('\n');
  expect(text).toContain('TiSASRec+mHC L8 h2');
  expect(text).toContain('backend cpu');
  expect(text).toContain('config (B, d 8, 1 blocks)'); // the run's size, in the header
  expect(text).not.toContain('x of'); // the PyTorch reference is d 50, 2 blocks: no ratio at other sizes
});

test('a missing dataset and --skip_epoch are notes, not failures', async () => {
  const r = await runBench({
    ...TINY,
    isolate: false,
    variants: ['sasrec'],
    oneHeadRows: false,
    dataset: path.join(dir, 'absent.txt'),
  });
  expect(r.epochs).toEqual([]);
  expect(r.notes.join(' ')).toContain('not found');
  const skipped = await runBench({
    ...TINY,
    isolate: false,
    variants: ['sasrec'],
    oneHeadRows: false,
    skipEpoch: true,
  });
  expect(skipped.notes.join(' ')).toContain('skip_epoch');
});

const built = requireOutside('the build of @seqrec/cli (npm run build)', [
  path.resolve(__dirname, '../../dist/bench/worker.js'),
]);
(built ? test : test.skip)(
  'isolated quick run: a fresh worker process per configuration (needs `npm run build`)',
  async () => {
    const r = await runBench({ ...TINY, variants: ['tisasrec'], oneHeadRows: false, skipEpoch: true });
    expectHeader(r, 'cpu');
    expect(r.steps).toHaveLength(1);
    expect(r.steps[0]?.isolated).toBe(true);
    expectPositive(r.steps[0]?.peakRssBytes);
    expectPositive(r.steps[0]?.stepSeconds);
  },
);

test('the bench command registers its flags and maps them to options', () => {
  let action: (() => Promise<number>) | null = null;
  const program = new Command('seqrec').exitOverride();
  const io = { stdout: () => undefined, stderr: () => undefined, isTTY: false };
  registerBenchCommand(program, io, (a) => (action = a));
  program.parse(
    [
      'bench',
      '--json',
      '--quick',
      '--backend',
      'cpu',
      '--variants',
      'sasrec,TiSASRec-mHC',
      '--maxlens',
      '50,200',
      '--skip_epoch',
      '--hidden_units',
      '256',
      '--num_blocks',
      '3',
    ],
    { from: 'user' },
  );
  expect(action).not.toBeNull();
  const opts = program.commands[0]?.opts() as Record<string, unknown>;
  expect(benchOptionsFromFlags(opts)).toEqual({
    quick: true,
    skipEpoch: true,
    backend: 'cpu',
    variants: ['sasrec', 'tisasrec+mhc'],
    maxlens: [50, 200],
    hidden: 256,
    blocks: 3,
  });
  expect(() => benchOptionsFromFlags({ hidden_units: '25' })).toThrow(/--hidden_units 25 must be even/);
  expect(() => benchOptionsFromFlags({ num_blocks: '0' })).toThrow(/--num_blocks/);
  expect(() => benchOptionsFromFlags({ variants: 'bert4rec' })).toThrow(/unknown variant 'bert4rec'/);
  expect(() => benchOptionsFromFlags({ backend: 'gpu' })).toThrow(/--backend/);
});
