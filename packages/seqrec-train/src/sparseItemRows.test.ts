/**
 * The sparse item-table gradient (stepGradients with sparse = true: the model run on the rows a
 * step reads) against autodiff's dense gradient of the whole table, computed independently by
 * the same step with sparse = false: equal on every row read, the other weights' gradients and
 * the loss equal, and the rows not read get only the l2Emb penalty's 2 l2Emb w. So a plain SGD
 * update of the read rows equals the dense SGD update on those rows (checked through
 * writeVariableRows, the in-place write lazy Adam uses).
 */
import { TrainSampler, type TrainBatch } from '@seqrec/data';
import { createModel, resolveLossConfig, type LossConfig, type SequentialRecommender } from '@seqrec/models';
import { initBackend, tf, writeVariableRows } from '@seqrec/runtime';
import { largestDifference } from '@seqrec/test-utils';
import { stepItemRows } from './sparseItemRows';
import { StepNegativeSampler } from './stepNegatives';
import { Adam } from './adam';
import { stepReadsItemRows } from './embeddingUpdate';
import { stepGradients, trainStep } from './trainStep';
import { TINY_MODEL, tinySplit } from './test-utils/tiny';

const split = tinySplit();
const numItems = split.dataset.numItems;

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

function batchOf(rows: number): TrainBatch {
  const sampler = new TrainSampler(split, { maxlen: 20, batchSize: rows, seed: 9, batching: 'packed', time: null });
  return sampler.epoch()[Symbol.iterator]().next().value as TrainBatch;
}

const CASES: Array<[string, LossConfig, number]> = [
  ['bce', resolveLossConfig({ loss: 'bce' }), 0],
  ['bce, l2Emb 0.01', resolveLossConfig({ loss: 'bce' }), 0.01],
  [
    'sampled_softmax popularity',
    resolveLossConfig({ loss: 'sampled_softmax', numNegatives: 6, negativeSampling: 'popularity' }),
    0,
  ],
  ['sampled_softmax, l2Emb 0.01', resolveLossConfig({ loss: 'sampled_softmax', numNegatives: 6 }), 0.01],
  ['gbce', resolveLossConfig({ loss: 'gbce', numNegatives: 6 }), 0],
];

const arrays = (m: Map<string, tf.Tensor>) => new Map([...m].map(([k, t]) => [k, t.dataSync() as Float32Array]));

describe.each(CASES)('%s', (_label, loss, l2Emb) => {
  let model: SequentialRecommender;
  beforeEach(() => {
    model = createModel({ ...TINY_MODEL, numItems, dropoutRate: 0.3, l2Emb }, { seed: 4 });
  });
  afterEach(() => model.dispose());

  test('sparse rows equal the dense gradient on the rows read; the rest get only the l2 term; no leaks', () => {
    const batch = batchOf(2);
    const negatives =
      loss.loss === 'bce' ? null : new StepNegativeSampler(numItems, loss, 3, split).forStep(0, batch.pos);
    const objective = { loss, negatives };
    const state = model.getRngState();
    const before = tf.memory().numTensors;
    const dense = stepGradients(model, batch, objective, 1, false);
    model.setRngState(state); // the same dropout masks
    const sparse = stepGradients(model, batch, objective, 1, true);
    const d = TINY_MODEL.hiddenUnits;
    const table = model.weights.get('item_emb')!.dataSync() as Float32Array;
    const full = dense.dense.get('item_emb')!.dataSync() as Float32Array; // [(V+1) d]
    const rows = sparse.rows.get('item_emb')!;
    expect(sparse.dense.has('item_emb')).toBe(false);
    // Independently of stepItemRows: the ids the loss reads, from the batch itself.
    const read = new Set([...batch.seq, ...batch.pos, ...(loss.loss === 'bce' ? batch.neg : negatives!.items)]);
    read.delete(0);
    expect([...rows.ids]).toEqual([...read].sort((a, b) => a - b));
    expect(read.size).toBeLessThan(numItems); // not vacuous: some rows are not read
    let worst = 0;
    rows.ids.forEach((id, k) => {
      for (let j = 0; j < d; j++)
        worst = Math.max(worst, Math.abs((rows.values[k * d + j] as number) - (full[id * d + j] as number)));
    });
    expect(worst).toBeLessThan(1e-6);
    for (let id = 0; id <= numItems; id++) {
      if (read.has(id)) continue;
      for (let j = 0; j < d; j++) expect(full[id * d + j]).toBeCloseTo(2 * l2Emb * (table[id * d + j] as number), 6);
    }
    const [a, b] = [arrays(dense.dense), arrays(sparse.dense)];
    for (const [name, g] of b) {
      const other = a.get(name)!;
      expect(g.reduce((w, x, i) => Math.max(w, Math.abs(x - (other[i] as number))), 0)).toBeLessThan(1e-6);
    }
    expect(b.size).toBe(a.size - 1);
    // The loss: equal without l2; with it, the penalty sums over the rows read only.
    const [lossDense, lossSparse] = [dense.value.dataSync()[0] as number, sparse.value.dataSync()[0] as number];
    if (l2Emb === 0) expect(Math.abs(lossDense - lossSparse)).toBeLessThan(1e-6);
    else {
      let unread = 0;
      for (let id = 1; id <= numItems; id++)
        if (!read.has(id)) for (let j = 0; j < d; j++) unread += (table[id * d + j] as number) ** 2;
      expect(lossDense - lossSparse).toBeCloseTo(l2Emb * unread, 5);
    }
    dense.dispose();
    sparse.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  test('plain SGD: the in-place sparse update equals the dense update on the rows read', () => {
    const batch = batchOf(2);
    const negatives =
      loss.loss === 'bce' ? null : new StepNegativeSampler(numItems, loss, 3, split).forStep(0, batch.pos);
    const lr = 0.1;
    const state = model.getRngState();
    const dense = stepGradients(model, batch, { loss, negatives }, 1, false);
    const w = model.weights.get('item_emb')!;
    const denseUpdate = tf.tidy(() => tf.sub(w, tf.mul(dense.dense.get('item_emb')!, lr)).dataSync() as Float32Array);
    dense.dispose();
    model.setRngState(state);
    const sparse = stepGradients(model, batch, { loss, negatives }, 1, true);
    const before = w.dataSync().slice() as Float32Array;
    const { ids, values } = sparse.rows.get('item_emb')!;
    const d = TINY_MODEL.hiddenUnits;
    writeVariableRows(w, (table) =>
      ids.forEach((id, k) => {
        for (let j = 0; j < d; j++)
          table[id * d + j] = (table[id * d + j] as number) - lr * (values[k * d + j] as number);
      }),
    );
    sparse.dispose();
    const after = w.dataSync() as Float32Array;
    const read = new Set(ids);
    for (let id = 0; id <= numItems; id++) {
      for (let j = 0; j < d; j++) {
        const i = id * d + j;
        if (read.has(id)) expect(Math.abs((after[i] as number) - (denseUpdate[i] as number))).toBeLessThan(1e-6);
        else expect(after[i]).toBe(before[i]); // untouched (dense SGD moves it by lr * 2 l2Emb w only)
      }
    }
  });
});

test.each([
  ['bce', resolveLossConfig({ loss: 'bce' }), 0, true],
  ['bce, l2Emb 0.01', resolveLossConfig({ loss: 'bce' }), 0.01, false],
  ['ce', resolveLossConfig({ loss: 'ce' }), 0, false],
] as const)(
  "trainStep with dense Adam (%s): the update from autodiff's dense gradient; the rows path only where it is that update",
  async (_label, loss, l2Emb, readsRows) => {
    expect(stepReadsItemRows('dense', loss.loss, l2Emb)).toBe(readsRows);
    const batch = batchOf(2);
    const [a, b] = [0, 1].map(() => createModel({ ...TINY_MODEL, numItems, dropoutRate: 0.3, l2Emb }, { seed: 4 }));
    const [adamA, adamB] = [new Adam(a!.weights), new Adam(b!.weights)];
    for (let step = 0; step < 3; step++) {
      const objective = { loss, negatives: null };
      await trainStep(a!, adamA, batch, 0.01, 1, objective);
      const g = stepGradients(b!, batch, objective, 1, false); // the dense [V+1, d] gradient
      adamB.apply(g.dense, 0.01);
      g.dispose();
    }
    for (const [name, w] of a!.weights)
      expect([name, largestDifference(w.dataSync(), b!.weights.get(name)!.dataSync()).value < 1e-6]).toEqual([
        name,
        true,
      ]);
    [adamA, adamB].forEach((o) => o.dispose());
    [a, b].forEach((m) => m!.dispose());
  },
);

test('stepItemRows: sorted distinct ids with 0 first; renumbered ids index them; ce refused', () => {
  const batch = batchOf(3);
  const negatives = { items: Int32Array.from([7, 3, 7]), perPosition: false, logQ: null, targetLogQ: null };
  const r = stepItemRows(batch, negatives, 'sampled_softmax');
  expect(r.ids[0]).toBe(0);
  expect([...r.ids].every((id, i) => i === 0 || id > (r.ids[i - 1] as number))).toBe(true);
  batch.seq.forEach((id, i) => expect(r.ids[r.batch.seq[i] as number]).toBe(id));
  batch.pos.forEach((id, i) => expect(r.ids[r.batch.pos[i] as number]).toBe(id));
  expect([...r.negatives!.items].map((k) => r.ids[k])).toEqual([7, 3, 7]);
  expect(r.batch.neg.every((x) => x === 0)).toBe(true); // sampled_softmax does not read neg
  const bce = stepItemRows(batch, null, 'bce');
  batch.neg.forEach((id, i) => expect(bce.ids[bce.batch.neg[i] as number]).toBe(id));
  expect(() => stepItemRows(batch, null, 'ce')).toThrow(/ce/);
});
