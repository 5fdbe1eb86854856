import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { createModel } from '@seqrec/models';
import { initBackend, tf } from '@seqrec/runtime';
import { Adam } from './adam';
import { findCheckpoint, loadCheckpoint } from './checkpoint';
import { NonFiniteLossError } from './errors';
import { MetricsLog } from './metricsLog';
import { train, type TrainResult } from './trainer';
import { TrainSampler } from '@seqrec/data';
import { trainStep } from './trainStep';
import { TINY_MODEL, TINY_TRAIN, tempDir, tinySplit } from './test-utils/tiny';

const split = tinySplit();
const vocab = split.dataset.vocab.toJSON();
const base = { ...TINY_TRAIN, prefetch: false, workers: 1 };

async function weightsOf(result: TrainResult): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  for (const [name, w] of result.model.weights) out.set(name, Array.from(await w.data()));
  return out;
}

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

it('learns: validation HR@10 rises well above chance', async () => {
  const trainDir = await tempDir();
  const result = await train(split, vocab, {
    ...base,
    trainDir,
    numEpochs: 8,
    evalEvery: 8,
    evalProtocols: ['sampled'],
  });
  // Sampled protocol: the target against 100 negatives -> a random scorer has HR@10 = 10/101.
  const chance = 10 / 101;
  const hr = result.best?.records.find((r) => r.split === 'valid')?.metrics['HR@10'] ?? 0;
  expect(hr).toBeGreaterThan(2.5 * chance);
  const records = await MetricsLog.read(trainDir);
  expect(records.filter((r) => r['type'] === 'epoch')).toHaveLength(8);
  expect(
    records.filter((r) => r['type'] === 'eval').map((r) => `${String(r['split'])}/${String(r['protocol'])}`),
  ).toEqual(['valid/sampled', 'test/sampled']);
  result.model.dispose();
});

it.each([1, 2])(
  'resume: 4 epochs straight equals 2 + resume 2 (weights, losses, metrics), %i worker(s)',
  async (workers) => {
    const straightDir = await tempDir();
    const straight = await train(split, vocab, { ...base, workers, trainDir: straightDir, numEpochs: 4 });
    const splitDir = await tempDir();
    const first = await train(split, vocab, { ...base, workers, trainDir: splitDir, numEpochs: 2, prefetch: true });
    first.model.dispose();
    const second = await train(split, vocab, {
      ...base,
      workers,
      trainDir: splitDir,
      numEpochs: 4,
      resume: true,
      prefetch: true,
    });
    expect(second.losses).toEqual(straight.losses.slice(2));
    expect(await weightsOf(second)).toEqual(await weightsOf(straight));
    expect(second.best).toEqual(straight.best);
    const strip = (rs: Record<string, unknown>[]) => rs.map((r) => ({ ...r, seconds: 0 }));
    expect(strip(await MetricsLog.read(splitDir))).toEqual(strip(await MetricsLog.read(straightDir)));
    straight.model.dispose();
    second.model.dispose();
  },
  // Three trainings, with worker threads that start by transpiling their TypeScript: 112-124 s
  // each case at load 11-13, past the default 120 s when other work shares the 2 cores.
  300_000,
);

it("lossNormalization 'epoch' trains to other weights than 'batch' when bucketed batches differ in length", async () => {
  const run = (lossNormalization: 'batch' | 'epoch') =>
    tempDir().then((trainDir) =>
      train(split, vocab, {
        ...base,
        trainDir,
        numEpochs: 2,
        evalEvery: 2,
        lossNormalization,
        batching: 'bucketed' as const,
      }),
    );
  const [batch, epoch] = [await run('batch'), await run('epoch')];
  // Both learn (finite, falling loss); the per-step weights differ, so the losses do.
  for (const r of [batch, epoch]) expect(r.losses[1]).toBeLessThan(r.losses[0] as number);
  expect(Math.abs((epoch.losses[1] as number) - (batch.losses[1] as number))).toBeGreaterThan(1e-6);
  batch.model.dispose();
  epoch.model.dispose();
  await expect(
    train(split, vocab, { ...base, trainDir: await tempDir(), lossNormalization: 'mean' as 'batch' }),
  ).rejects.toThrow(/lossNormalization must be 'batch' or 'epoch', got mean/);
});

it('a training step leaks no tensors (numTensors flat over 5 steps)', async () => {
  const model = createModel({ ...TINY_MODEL, numItems: split.dataset.numItems }, { seed: 1 });
  const adam = new Adam(model.weights);
  const sampler = new TrainSampler(split, {
    maxlen: 20,
    batchSize: 40,
    seed: 1,
    batching: 'bucketed' as const,
    time: null,
  });
  const counts: number[] = [];
  for (const batch of sampler.epoch()) {
    await trainStep(model, adam, batch, 0.001);
    counts.push(tf.memory().numTensors);
  }
  expect(counts.length).toBeGreaterThanOrEqual(5);
  expect(new Set(counts).size).toBe(1);
  adam.dispose();
  model.dispose();
});

it('a NaN loss stops training with advice and keeps the last good checkpoint', async () => {
  const trainDir = await tempDir();
  let calls = 0;
  const modelFactory = (config: Parameters<typeof createModel>[0], seed: number) => {
    const model = createModel(config, { seed });
    const loss = model.loss.bind(model);
    // Healthy for the first 2 epochs (4 steps each), then NaN.
    model.loss = (batch, options) => (++calls > 8 ? tf.mul(loss(batch, options), NaN) : loss(batch, options));
    return model;
  };
  const run = train(split, vocab, { ...base, trainDir, numEpochs: 5, modelFactory });
  await expect(run).rejects.toThrow(NonFiniteLossError);
  await expect(run).rejects.toThrow(/epoch 3.*last good checkpoint \(epoch 2\).*lower --lr.*larger --batch_size/);
  const ckpt = await loadCheckpoint(path.join(trainDir, 'last'));
  expect(ckpt.trainer?.epoch).toBe(2);
  ckpt.model.dispose();
});

it('a crash while writing a checkpoint leaves the previous one loadable', async () => {
  const trainDir = await tempDir();
  const crash = () => {
    throw new Error('simulated crash');
  };
  await expect(
    train(split, vocab, {
      ...base,
      trainDir,
      numEpochs: 3,
      evalEvery: 10,
      checkpointFault: { epoch: 2, fault: crash },
    }),
  ).rejects.toThrow('simulated crash');
  expect(await findCheckpoint(path.join(trainDir, 'last'))).toBe(path.join(trainDir, 'last'));
  const ckpt = await loadCheckpoint(path.join(trainDir, 'last'));
  expect(ckpt.trainer?.epoch).toBe(1);
  ckpt.model.dispose();
  expect((await fsp.readdir(trainDir)).filter((f) => f.includes('.tmp-'))).toEqual([]);
  // And the run resumes from it.
  const resumed = await train(split, vocab, { ...base, trainDir, numEpochs: 2, evalEvery: 10, resume: true });
  expect(resumed.epochs).toBe(2);
  resumed.model.dispose();
});
