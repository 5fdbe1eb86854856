import { TrainSampler, type Batching, type TrainBatch } from '@seqrec/data';
import { createModel } from '@seqrec/models';
import { initBackend, tf } from '@seqrec/runtime';
import { Adam, type DenseGradient } from './adam';
import { DataParallel, liveGradientWorkers } from './dataParallel';
import { NonFiniteLossError } from './errors';
import { train } from './trainer';
import { trainStep } from './trainStep';
import { TINY_MODEL, TINY_TRAIN, tempDir, tinySplit } from './test-utils/tiny';
import { maxWeightDiff as maxDiff } from './test-utils/weights';

const split = tinySplit();
const vocab = split.dataset.vocab.toJSON();
const numItems = split.dataset.numItems;
const TISASREC = { ...TINY_MODEL, kind: 'tisasrec', timeSpan: 16 } as const;

function firstBatch(timeAware: boolean, batchSize = 40, batching: Batching = 'bucketed'): TrainBatch {
  const time = timeAware ? { unit: 'hour' as const, span: 16 } : null;
  const sampler = new TrainSampler(split, { maxlen: 20, batchSize, seed: 5, batching, time });
  return sampler.epoch()[Symbol.iterator]().next().value as TrainBatch;
}

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

afterEach(() => {
  expect(liveGradientWorkers()).toBe(0);
});

describe.each([
  ['sasrec', 'cpu', 'bucketed', TINY_MODEL],
  ['tisasrec', 'cpu', 'bucketed', TISASREC],
  ['sasrec', 'wasm', 'bucketed', TINY_MODEL],
  ['tisasrec', 'cpu', 'packed', TISASREC],
  ['sasrec', 'wasm', 'packed', TINY_MODEL],
] as const)('%s on %s, %s batches', (_name, backend, batching, modelConfig) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });
  afterAll(async () => {
    await initBackend({ backend: 'cpu' });
  });

  it('1 and 2 workers: same loss and parameters after each of 3 steps, dropout on', async () => {
    const config = { ...modelConfig, numItems, dropoutRate: 0.3 };
    const single = createModel(config, { seed: 3 });
    const multi = createModel(config, { seed: 3 });
    const [adam1, adam2] = [new Adam(single.weights), new Adam(multi.weights)];
    const parallel = await DataParallel.start(multi, { workers: 2, backend: { backend }, seed: 3 });
    try {
      const batch = firstBatch(modelConfig.kind === 'tisasrec', 40, batching);
      if (batching === 'packed') expect(batch.users.length).toBeGreaterThan(batch.size); // rows hold several users
      for (let step = 0; step < 3; step++) {
        const loss1 = await trainStep(single, adam1, batch, 0.001);
        const loss2 = await parallel.step(adam2, batch, 0.001);
        expect(Math.abs(loss1 - loss2)).toBeLessThan(1e-5);
        expect(maxDiff(single, multi)).toBeLessThan(1e-5);
        expect(multi.getRngState()).toBe(single.getRngState());
      }
      await parallel.verify();
    } finally {
      await parallel.close();
      [adam1, adam2, single, multi].forEach((x) => x.dispose());
    }
  });
});

it('a data-parallel step leaks no tensors on the main thread; a batch smaller than the workers works', async () => {
  const model = createModel({ ...TINY_MODEL, numItems }, { seed: 1 });
  const adam = new Adam(model.weights);
  const parallel = await DataParallel.start(model, { workers: 3, backend: { backend: 'cpu' }, seed: 1 });
  try {
    const batch = firstBatch(false);
    const counts: number[] = [];
    for (let i = 0; i < 5; i++) {
      await parallel.step(adam, batch, 0.001);
      counts.push(tf.memory().numTensors);
    }
    expect(new Set(counts).size).toBe(1);
    // 2 rows, 3 workers: the third gets no shard this step; verify() still holds.
    expect(Number.isFinite(await parallel.step(adam, firstBatch(false, 2), 0.001))).toBe(true);
    await parallel.verify();
  } finally {
    await parallel.close();
  }
  expect(liveGradientWorkers()).toBe(0);
  adam.dispose();
  model.dispose();
});

it('train: 2 epochs with 2 workers give the losses of 1 worker; the workers then exit', async () => {
  const base = { ...TINY_TRAIN, evalUsers: 100, numEpochs: 2, evalProtocols: ['sampled' as const] };
  const one = await train(split, vocab, { ...base, trainDir: await tempDir(), workers: 1, prefetch: false });
  const two = await train(split, vocab, { ...base, trainDir: await tempDir(), workers: 2 });
  expect(liveGradientWorkers()).toBe(0);
  expect(two.losses).toHaveLength(2);
  two.losses.forEach((loss, i) => expect(Math.abs(loss - (one.losses[i] as number))).toBeLessThan(1e-5));
  one.model.dispose();
  two.model.dispose();
});

it("train with workers 'auto': steps too small to be worth sharding run on the main thread (the 1-worker losses exactly)", async () => {
  const base = { ...TINY_TRAIN, evalUsers: 100, numEpochs: 2, evalProtocols: ['sampled' as const], prefetch: false };
  const one = await train(split, vocab, { ...base, trainDir: await tempDir(), workers: 1 });
  const auto = await train(split, vocab, { ...base, trainDir: await tempDir(), workers: 'auto' });
  expect(liveGradientWorkers()).toBe(0);
  expect(auto.losses).toEqual(one.losses);
  one.model.dispose();
  auto.model.dispose();
});

it('a failing run (NaN loss) still shuts the workers down', async () => {
  let calls = 0;
  const modelFactory = (config: Parameters<typeof createModel>[0], seed: number) => {
    const model = createModel(config, { seed });
    const loss = model.loss.bind(model);
    model.loss = (batch, options) => (++calls > 4 ? tf.mul(loss(batch, options), NaN) : loss(batch, options));
    return model;
  };
  const run = train(split, vocab, {
    model: TINY_MODEL,
    batchSize: 50,
    warmupSteps: 0,
    numEpochs: 3,
    trainDir: await tempDir(),
    workers: 2,
    modelFactory,
  });
  await expect(run).rejects.toThrow(NonFiniteLossError);
  expect(liveGradientWorkers()).toBe(0);
});

it('a worker that fails to start is reported, and every worker is shut down', async () => {
  const model = createModel({ ...TINY_MODEL, numItems }, { seed: 1 });
  // tfjs-node is not a dependency of the tests: the workers' initBackend fails.
  await expect(DataParallel.start(model, { workers: 3, backend: { backend: 'tensorflow' }, seed: 1 })).rejects.toThrow(
    /gradient worker \d: .*tensorflow/,
  );
  expect(liveGradientWorkers()).toBe(0);
  model.dispose();
});

/** An Adam stand-in that records the gradients it is given instead of applying them. */
function recordingAdam(): { adam: Adam; last: () => Map<string, Float32Array> } {
  let seen = new Map<string, Float32Array>();
  const adam = {
    isLazy: () => false,
    apply: (grads: Map<string, DenseGradient>) => {
      seen = new Map(
        [...grads].map(([name, g]) => [name, g instanceof Float32Array ? g.slice() : (g.dataSync() as Float32Array)]),
      );
    },
  } as unknown as Adam;
  return { adam, last: () => seen };
}

it('lossScale scales the gradient, not the reported loss, on 1 thread and on 2', async () => {
  const model = createModel({ ...TINY_MODEL, numItems }, { seed: 4 });
  const { adam, last } = recordingAdam();
  const batch = firstBatch(false);
  const start = model.getRngState(); // the same dropout masks for every step below
  const gradsAt = async (step: (scale: number) => Promise<number>, scale: number) => {
    model.setRngState(start);
    const loss = await step(scale);
    return { loss, grads: last() };
  };
  const parallel = await DataParallel.start(model, { workers: 2, backend: { backend: 'cpu' }, seed: 4 });
  try {
    for (const step of [
      (scale: number) => trainStep(model, adam, batch, 0.001, scale),
      (scale: number) => parallel.step(adam, batch, 0.001, scale),
    ]) {
      const plain = await gradsAt(step, 1);
      const scaled = await gradsAt(step, 2.5);
      expect(scaled.loss).toBeCloseTo(plain.loss, 6);
      expect(plain.grads.size).toBeGreaterThan(0);
      for (const [name, g] of plain.grads) {
        const s = scaled.grads.get(name) as Float32Array;
        g.forEach((x, i) => expect(Math.abs((s[i] as number) - 2.5 * x)).toBeLessThan(1e-6 + 1e-5 * Math.abs(x)));
      }
    }
  } finally {
    await parallel.close();
    model.dispose();
  }
});
