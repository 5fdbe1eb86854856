/**
 * Peak memory of one training step at full size. The losses beyond BCE (SASRec, B 128, T 200,
 * V 3416 = ML-1M; ce's [M, V] softmax is chunked, the sampled ones use 256 shared negatives) must
 * stay under the same 3 GB. Below, that of one TiSASRec training step at full size (B 128, T 200, S 256, d 50, one head,
 * the size at which the PyTorch reference's [B, T, T, d] form holds 8.7 GB) on wasm must stay
 * under 3 GB RSS. Runs tools/probes/step-probe.js in a fresh process so the peak is this step's alone;
 * it uses the built packages (the CLI's too: the probe takes the benchmark's synthetic input from
 * @seqrec/cli), which the root `npm test` builds first: the peak is that of the code users run
 * (run from TypeScript sources, the process would also hold the TypeScript compiler, ~140 MB).
 * Without a build the tests skip with a message, and fail under CI.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { requireOutside } from '@seqrec/test-utils';

const ROOT = path.resolve(__dirname, '../../..');
const PROBE = path.join(ROOT, 'tools/probes/step-probe.js');
const BUILT = path.join(ROOT, 'packages/seqrec-cli/dist/index.js');
const built = requireOutside('the build of the packages (npm run build)', [BUILT]);
const testIfBuilt = built ? test : test.skip;
const LIMIT_BYTES = 3 * 1024 ** 3;

testIfBuilt('a full-size TiSASRec training step on wasm stays under 3 GB RSS', () => {
  const args = [
    '--kind',
    'tisasrec',
    '--batch',
    '128',
    '--maxlen',
    '200',
    '--time-span',
    '256',
    '--hidden',
    '50',
    '--heads',
    '1',
    '--backend',
    'wasm',
    '--steps',
    '1',
    '--warmup',
    '0',
  ];
  const run = spawnSync(process.execPath, [PROBE, ...args], { cwd: ROOT, encoding: 'utf8' });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  const report = JSON.parse(run.stdout.trim().split('\n').pop()!) as {
    backend: string;
    peakRssBytes: number;
    medianStepSeconds: number;
  };
  expect(report.backend).toBe('wasm');
  console.info(
    `TiSASRec B128 T200 S256 d50 h1 on wasm: peak RSS ${(report.peakRssBytes / 1e9).toFixed(
      2,
    )} GB, step ${report.medianStepSeconds.toFixed(2)} s`,
  );
  expect(report.peakRssBytes).toBeLessThan(LIMIT_BYTES);
});

testIfBuilt.each(['ce', 'sampled_softmax', 'gbce'])(
  'a full-size SASRec training step with loss %s on wasm stays under 3 GB RSS',
  (loss) => {
    const args = ['--kind', 'sasrec', '--batch', '128', '--maxlen', '200', '--items', '3416', '--hidden', '50'];
    const run = spawnSync(
      process.execPath,
      [PROBE, ...args, '--heads', '1', '--backend', 'wasm', '--steps', '1', '--warmup', '0', '--loss', loss],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout.trim().split('\n').pop()!) as { loss: string; peakRssBytes: number };
    expect(report.loss).toBe(loss);
    console.info(
      `SASRec B128 T200 V3416 d50 h1 loss ${loss} on wasm: peak RSS ${(report.peakRssBytes / 1e9).toFixed(2)} GB`,
    );
    expect(report.peakRssBytes).toBeLessThan(LIMIT_BYTES);
  },
);

// d 256, 3 blocks (the seed's capacity setting) at 64 rows of 200: what each of the 2 default
// data-parallel threads computes of a batch of 128. Before the releasing gradients of
// @seqrec/runtime and the lean layer gradients, this step's wasm heap peaked at 3.3 GB (and a
// whole batch of 128 in one thread overflowed the 4 GB heap); now about 0.9 GB.
testIfBuilt('a SASRec d 256, 3 blocks training step of 64 rows of 200 on wasm stays under 1.5 GB RSS', () => {
  const args = ['--kind', 'sasrec', '--batch', '64', '--maxlen', '200', '--hidden', '256', '--blocks', '3'];
  const run = spawnSync(
    process.execPath,
    [PROBE, ...args, '--heads', '2', '--backend', 'wasm', '--steps', '1', '--warmup', '0'],
    { cwd: ROOT, encoding: 'utf8' },
  );
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  const report = JSON.parse(run.stdout.trim().split('\n').pop()!) as { hidden: number; peakRssBytes: number };
  expect(report.hidden).toBe(256);
  console.info(`SASRec B64 T200 d256 3 blocks h2 on wasm: peak RSS ${(report.peakRssBytes / 1e9).toFixed(2)} GB`);
  expect(report.peakRssBytes).toBeLessThan(1.5 * 1024 ** 3);
});
