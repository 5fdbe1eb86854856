/**
 * The losses beyond BCE through the trainer (issue 13): data-parallel steps equal single-thread
 * steps for every loss (the shared negatives reach every shard), a step leaks no tensors, the
 * per-step negatives are reproducible from (seed, step) so a resumed run equals an uninterrupted
 * one, and a resume with another loss is refused.
 */
import {
  TrainSampler,
  buildDataset,
  generateSyntheticInteractions,
  leaveOneOutSplit,
  type TrainBatch,
} from '@seqrec/data';
import { createModel, resolveLossConfig, type LossConfig } from '@seqrec/models';
import { initBackend, tf } from '@seqrec/runtime';
import { Adam } from './adam';
import { DataParallel, liveGradientWorkers } from './dataParallel';
import { ResumeMismatchError } from './errors';
import { StepNegativeSampler } from './stepNegatives';
import { train } from './trainer';
import { trainStep } from './trainStep';
import { TINY_MODEL, TINY_TRAIN, tempDir, tinySplit } from './test-utils/tiny';
import { maxWeightDiff as maxDiff } from './test-utils/weights';

// Worker threads load tfjs from the sources and tiny trainings run: minutes on a loaded machine.
jest.setTimeout(600_000);

const split = tinySplit();
const vocab = split.dataset.vocab.toJSON();
const numItems = split.dataset.numItems;

// [label, loss, item table updated by lazy Adam (sparse rows) instead of dense Adam]
const LOSS_CASES: Array<[string, LossConfig, boolean]> = [
  ['ce', resolveLossConfig({ loss: 'ce' }), false],
  ['sampled_softmax uniform', resolveLossConfig({ loss: 'sampled_softmax', numNegatives: 16 }), false],
  ['sampled_softmax uniform, lazy', resolveLossConfig({ loss: 'sampled_softmax', numNegatives: 16 }), true],
  [
    'sampled_softmax popularity, lazy',
    resolveLossConfig({ loss: 'sampled_softmax', numNegatives: 16, negativeSampling: 'popularity' }),
    true,
  ],
  ['gbce', resolveLossConfig({ loss: 'gbce', numNegatives: 16 }), false],
  // One negative per position: with 16, a step's draws would read every row of the small catalogue.
  ['gbce, lazy', resolveLossConfig({ loss: 'gbce', numNegatives: 1 }), true],
  ['bce, lazy', resolveLossConfig({ loss: 'bce' }), true],
];

function firstBatch(batchSize = 40): TrainBatch {
  const sampler = new TrainSampler(split, { maxlen: 20, batchSize, seed: 5, batching: 'packed', time: null });
  return sampler.epoch()[Symbol.iterator]().next().value as TrainBatch;
}

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

afterEach(() => {
  expect(liveGradientWorkers()).toBe(0);
});

describe.each(LOSS_CASES)('%s', (_label, loss, lazy) => {
  it('1 and 2 workers: same loss and parameters after each of 3 steps; no tensor leaks', async () => {
    const config = { ...TINY_MODEL, numItems, dropoutRate: 0.3 };
    const single = createModel(config, { seed: 3 });
    const multi = createModel(config, { seed: 3 });
    const adamOptions = { lazy: lazy ? ['item_emb'] : [] };
    const [adam1, adam2] = [new Adam(single.weights, adamOptions), new Adam(multi.weights, adamOptions)];
    const parallel = await DataParallel.start(multi, { workers: 2, backend: { backend: 'cpu' }, seed: 3, loss });
    const negatives = new StepNegativeSampler(numItems, loss, 11, split);
    const tableBefore = lazy ? ((await single.weights.get('item_emb')!.data()) as Float32Array) : null;
    try {
      const batch = firstBatch(lazy ? 4 : 40); // lazy: few enough rows that some items are not read
      expect(batch.users.length).toBeGreaterThan(batch.size); // packed: rows hold several users
      const counts: number[] = [];
      for (let step = 0; step < 3; step++) {
        const drawn = loss.loss === 'bce' ? null : negatives.forStep(step, batch.pos);
        const loss1 = await trainStep(single, adam1, batch, 0.001, 1, { loss, negatives: drawn });
        counts.push(tf.memory().numTensors);
        const loss2 = await parallel.step(adam2, batch, 0.001, 1, drawn);
        expect(Number.isFinite(loss1)).toBe(true);
        expect(Math.abs(loss1 - loss2)).toBeLessThan(1e-5);
        expect(maxDiff(single, multi)).toBeLessThan(1e-5);
      }
      expect(new Set(counts).size).toBe(1);
      await parallel.verify();
      if (tableBefore !== null) {
        // Lazy: only the rows the steps read moved (not vacuous: some did, and some did not).
        const after = (await single.weights.get('item_emb')!.data()) as Float32Array;
        const d = config.hiddenUnits;
        const moved = (row: number) =>
          after.subarray(row * d, (row + 1) * d).some((x, j) => x !== tableBefore[row * d + j]);
        const read = new Set([...batch.seq, ...batch.pos, ...(loss.loss === 'bce' ? batch.neg : [])]);
        for (let step = 0; step < 3 && loss.loss !== 'bce'; step++)
          negatives.forStep(step, batch.pos).items.forEach((id) => read.add(id));
        read.delete(0);
        for (let row = 0; row <= numItems; row++) expect(moved(row)).toBe(read.has(row));
        expect(read.size).toBeLessThan(numItems);
      }
    } finally {
      await parallel.close();
      [adam1, adam2, single, multi].forEach((x) => x.dispose());
    }
  });
});

describe('StepNegativeSampler', () => {
  const pos = Int32Array.from([0, 3, 5, 0, 7]);
  it('a step draws the same negatives every time, another step or seed others', () => {
    const loss = resolveLossConfig({ loss: 'sampled_softmax', numNegatives: 32 });
    const a = new StepNegativeSampler(numItems, loss, 1);
    expect(Array.from(a.forStep(4, pos).items)).toEqual(
      Array.from(new StepNegativeSampler(numItems, loss, 1).forStep(4, pos).items),
    );
    expect(Array.from(a.forStep(5, pos).items)).not.toEqual(Array.from(a.forStep(4, pos).items));
    expect(Array.from(new StepNegativeSampler(numItems, loss, 2).forStep(4, pos).items)).not.toEqual(
      Array.from(a.forStep(4, pos).items),
    );
    expect(a.forStep(4, pos).items.every((id) => id >= 1 && id <= numItems)).toBe(true);
    expect(a.forStep(4, pos).logQ).toBeNull();
  });

  it('gbce: N uniform negatives per target position, none at padding; seeded by (seed, step)', () => {
    const N = 64;
    const loss = resolveLossConfig({ loss: 'gbce', numNegatives: N });
    const a = new StepNegativeSampler(numItems, loss, 1).forStep(4, pos);
    expect(a.perPosition).toBe(true);
    expect(a.items.length).toBe(pos.length * N);
    pos.forEach((target, p) => {
      const own = Array.from(a.items.subarray(p * N, (p + 1) * N));
      if (target === 0) expect(own.every((id) => id === 0)).toBe(true);
      else expect(own.every((id) => id >= 1 && id <= numItems)).toBe(true);
    });
    // Each position draws its own: the three target positions' draws differ.
    const drawsOf = (p: number) => Array.from(a.items.subarray(p * N, (p + 1) * N)).join();
    expect(new Set([drawsOf(1), drawsOf(2), drawsOf(4)]).size).toBe(3);
    expect(Array.from(new StepNegativeSampler(numItems, loss, 1).forStep(4, pos).items)).toEqual(Array.from(a.items));
    expect(Array.from(new StepNegativeSampler(numItems, loss, 1).forStep(5, pos).items)).not.toEqual(
      Array.from(a.items),
    );
  });

  it('popularity: log Q is log(train count / total), draws follow the counts', () => {
    const loss = resolveLossConfig({ loss: 'sampled_softmax', numNegatives: 20000, negativeSampling: 'popularity' });
    const counts = new Map<number, number>();
    let total = 0;
    for (const u of split.users) {
      for (const item of u.train) {
        counts.set(item, (counts.get(item) ?? 0) + 1);
        total++;
      }
    }
    const drawn = new StepNegativeSampler(numItems, loss, 1, split).forStep(0, pos);
    drawn.items.forEach((id, i) => expect(drawn.logQ![i]).toBeCloseTo(Math.log((counts.get(id) as number) / total), 5));
    expect(drawn.targetLogQ![0]).toBe(0); // padding
    expect(drawn.targetLogQ![1]).toBeCloseTo(Math.log(Math.max(counts.get(3) ?? 0, 1) / total), 5);
    // The most and least frequent items are drawn in proportion to their counts (within 20%).
    const byCount = [...counts].sort((x, y) => y[1] - x[1]);
    const [top, rare] = [byCount[0]!, byCount[byCount.length - 1]!];
    const frequency = (id: number) => drawn.items.filter((x) => x === id).length / drawn.items.length;
    expect(Math.abs(frequency(top[0]) / (top[1] / total) - 1)).toBeLessThan(0.2);
    expect(frequency(rare[0])).toBeLessThan(frequency(top[0]));
  });
});

describe('train with a sampled loss', () => {
  const base = {
    ...TINY_TRAIN,
    evalEvery: 1,
    evalUsers: 50,
    evalProtocols: ['sampled' as const],
    workers: 1,
    prefetch: false,
  };
  const options = { loss: 'sampled_softmax' as const, numNegatives: 8, negativeSampling: 'popularity' as const };

  it('resumes to the losses of an uninterrupted run', async () => {
    const straight = await train(split, vocab, { ...base, ...options, numEpochs: 2, trainDir: await tempDir() });
    const dir = await tempDir();
    const first = await train(split, vocab, { ...base, ...options, numEpochs: 1, trainDir: dir });
    const resumed = await train(split, vocab, { ...base, ...options, numEpochs: 2, trainDir: dir, resume: true });
    expect([...first.losses, ...resumed.losses]).toEqual(straight.losses);
    [straight, first, resumed].forEach((r) => r.model.dispose());
  });

  it("lazy (the sampled losses' default) and dense item updates train differently; resume refuses a change", async () => {
    // A catalogue much larger than a step's reads: with the tiny split's 60 items every step
    // reads every row, and lazy Adam then is dense Adam (equal up to rounding), so it would
    // show nothing. Here most rows are skipped by most steps, where the two updates differ.
    const wide = leaveOneOutSplit(
      buildDataset(generateSyntheticInteractions({ users: 200, items: 3000, seed: 3, meanLength: 12 })),
    );
    const wideVocab = wide.dataset.vocab.toJSON();
    const dir = await tempDir();
    const lazy = await train(wide, wideVocab, { ...base, ...options, numEpochs: 1, trainDir: dir });
    const dense = await train(wide, wideVocab, {
      ...base,
      ...options,
      embeddingUpdate: 'dense',
      numEpochs: 1,
      trainDir: await tempDir(),
    });
    expect(lazy.losses).not.toEqual(dense.losses);
    [lazy, dense].forEach((r) => r.model.dispose());
    await expect(
      train(wide, wideVocab, {
        ...base,
        ...options,
        embeddingUpdate: 'dense',
        numEpochs: 2,
        trainDir: dir,
        resume: true,
      }),
    ).rejects.toThrow(/embeddingUpdate/);
  });

  it('refuses to resume with another loss or loss setting', async () => {
    const dir = await tempDir();
    (await train(split, vocab, { ...base, ...options, numEpochs: 1, trainDir: dir })).model.dispose();
    await expect(train(split, vocab, { ...base, numEpochs: 2, trainDir: dir, resume: true })).rejects.toThrow(
      ResumeMismatchError,
    );
    await expect(
      train(split, vocab, { ...base, ...options, numNegatives: 9, numEpochs: 2, trainDir: dir, resume: true }),
    ).rejects.toThrow(/numNegatives/);
  });
});
