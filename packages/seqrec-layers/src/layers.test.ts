/**
 * The layer checklist (after tfjs's layer tests): output shapes for two window lengths, weight
 * names and shapes, gradients against tfjs's autodiff of the plain formula (for the layers
 * whose gradient seqrec writes by hand), a padding row that stays zero, and no leaked tensors.
 */
import { initBackend, tf } from '@seqrec/runtime';
import { expectClose } from '@seqrec/test-utils';
import { attentionBias, CausalSelfAttention, MASKED_SCORE } from './causalSelfAttention';
import { Dense } from './dense';
import { dropoutMask } from './dropout';
import { Embedding } from './embedding';
import { INFERENCE, SeedSequence } from './forwardContext';
import { LayerNorm } from './layerNorm';
import { ManifoldHyperConnection } from './mhc/manifoldHyperConnection';
import { maskedSoftmax } from './maskedSoftmax';
import { PointwiseFeedForward } from './pointwiseFeedForward';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

test('Dense: [B, T, in] -> [B, T, out], gradients equal autodiff of x W + b', () => {
  const dense = new Dense({ name: 'proj', inputDim: 6, outputDim: 4, seed: 1 });
  expect([...dense.namedWeights().keys()]).toEqual(['proj.kernel', 'proj.bias']);
  const x = tf.randomNormal([2, 5, 6], 0, 1, 'float32', 2);
  const y = dense.apply(x);
  expect(y.shape).toEqual([2, 5, 4]);
  const loss = (f: (x: tf.Tensor) => tf.Tensor) => (input: tf.Tensor) => tf.sum(tf.square(f(input)));
  const mine = tf.grads(loss((input) => dense.apply(input)));
  const reference = tf.grads(loss((input) => tf.add(tf.matMul(input.reshape([10, 6]), dense.kernel), dense.bias)));
  expectClose(mine([x])[0].dataSync(), reference([x])[0].reshape([2, 5, 6]).dataSync(), 1e-5);
  const wMine = tf.variableGrads(() => loss((input) => dense.apply(input))(x) as tf.Scalar, [dense.kernel]).grads;
  const wRef = tf.variableGrads(
    () => loss((input) => tf.add(tf.matMul(input.reshape([10, 6]), dense.kernel), dense.bias))(x) as tf.Scalar,
    [dense.kernel],
  ).grads;
  expectClose(wMine[dense.kernel.name].dataSync(), wRef[dense.kernel.name].dataSync(), 1e-4);
});

test('LayerNorm: normalises the last axis; gradients equal autodiff of the formula', () => {
  const ln = new LayerNorm({ name: 'ln', dim: 8, eps: 1e-8 });
  ln.gamma.assign(tf.randomNormal([8], 1, 0.3, 'float32', 3));
  ln.beta.assign(tf.randomNormal([8], 0, 0.3, 'float32', 4));
  const x = tf.randomNormal([3, 4, 8], 0, 2, 'float32', 5);
  const reference = (input: tf.Tensor) => {
    const { mean, variance } = tf.moments(input, -1, true);
    return tf.add(tf.mul(tf.div(tf.sub(input, mean), tf.sqrt(tf.add(variance, 1e-8))), ln.gamma), ln.beta);
  };
  expectClose(ln.apply(x).dataSync(), reference(x).dataSync(), 1e-5);
  const probe = tf.randomNormal([3, 4, 8], 0, 1, 'float32', 6);
  const objective = (f: (x: tf.Tensor) => tf.Tensor) => () => tf.sum(tf.mul(f(x), probe)) as tf.Scalar;
  const mine = tf.variableGrads(
    objective((input) => ln.apply(input)),
    [ln.gamma, ln.beta],
  ).grads;
  const theirs = tf.variableGrads(objective(reference), [ln.gamma, ln.beta]).grads;
  for (const name of [ln.gamma.name, ln.beta.name]) expectClose(mine[name].dataSync(), theirs[name].dataSync(), 1e-4);
  const dxMine = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(ln.apply(input), probe)))(x);
  const dxRef = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(reference(input), probe)))(x);
  expectClose(dxMine.dataSync(), dxRef.dataSync(), 1e-4);
});

test('maskedSoftmax: equals softmax(a + b + bias) with the same gradients', () => {
  const a = tf.randomNormal([2, 3, 5], 0, 1, 'float32', 1);
  const b = tf.randomNormal([2, 3, 5], 0, 1, 'float32', 2);
  const bias = tf.tensor3d([[[0, 0, MASKED_SCORE, 0, MASKED_SCORE]]]);
  const probe = tf.randomNormal([2, 3, 5], 0, 1, 'float32', 3);
  const mine = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(maskedSoftmax(x, y, bias), probe));
  const reference = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.softmax(tf.add(tf.add(x, y), bias)), probe));
  expectClose(maskedSoftmax(a, b, bias).dataSync(), tf.softmax(tf.add(tf.add(a, b), bias)).dataSync(), 1e-6);
  const [da, db] = tf.grads(mine)([a, b]);
  const [ra, rb] = tf.grads(reference)([a, b]);
  expectClose(da.dataSync(), ra.dataSync(), 1e-5);
  expectClose(db.dataSync(), rb.dataSync(), 1e-5);
});

test('attentionBias masks future keys and padded keys only', () => {
  const bias = attentionBias(tf.tensor2d([[0, 3, 4]], undefined, 'int32')).arraySync()[0][0];
  const M = MASKED_SCORE;
  expect(bias).toEqual([
    [M, M, M],
    [M, 0, M],
    [M, 0, 0],
  ]);
});

test('attentionBias of packed rows: attention stays within each user, contiguous or not', () => {
  const M = MASKED_SCORE;
  // Row 0: users in contiguous runs (as packedPositions lays them out), padding inside user 1.
  // Row 1: slot 1 reappears after slot 2, which takes the key-by-key path.
  const seq = tf.tensor2d(
    [
      [5, 6, 0, 7, 8],
      [5, 6, 7, 8, 9],
    ],
    undefined,
    'int32',
  );
  const segments = tf.tensor2d(
    [
      [0, 0, 1, 1, 2],
      [1, 2, 1, 2, 2],
    ],
    undefined,
    'int32',
  );
  const biasTensor = attentionBias(seq, segments);
  const bias = biasTensor.arraySync();
  tf.dispose([seq, segments, biasTensor]);
  const expected = (ids: number[], slots: number[]) =>
    ids.map((_, i) => ids.map((id, j) => (j <= i && id !== 0 && slots[j] === slots[i] ? 0 : M)));
  expect(bias[0][0]).toEqual(expected([5, 6, 0, 7, 8], [0, 0, 1, 1, 2]));
  expect(bias[1][0]).toEqual(expected([5, 6, 7, 8, 9], [1, 2, 1, 2, 2]));
  expect(bias[0][0][3]).toEqual([M, M, M, 0, M]); // user 1's second key sees only itself (its first is padding)
  expect(bias[1][0][2]).toEqual([0, M, 0, M, M]); // slot 1 again: its earlier column too
});

test('Embedding with a padding row: id 0 looks up zeros and the row gets no gradient', () => {
  const embedding = new Embedding({ name: 'item_emb', rows: 6, dim: 3, paddingZero: true, seed: 1 });
  expect([...embedding.namedWeights().keys()]).toEqual(['item_emb']);
  const ids = tf.tensor2d(
    [
      [0, 2, 2],
      [0, 0, 5],
    ],
    undefined,
    'int32',
  );
  const out = embedding.apply(ids);
  expect(out.shape).toEqual([2, 3, 3]);
  expect(Array.from(out.slice([0, 0, 0], [1, 1, 3]).dataSync())).toEqual([0, 0, 0]);
  const { grads } = tf.variableGrads(() => tf.sum(embedding.apply(ids)) as tf.Scalar, [embedding.table]);
  const grad = grads[embedding.table.name].arraySync() as number[][];
  expect(grad[0]).toEqual([0, 0, 0]);
  expect(grad[2]).toEqual([2, 2, 2]); // id 2 appears twice: the scatter-add sums
  expect(Array.from(embedding.table.slice([0, 0], [1, 3]).dataSync())).toEqual([0, 0, 0]);
});

test('dropout masks are seeded, backend-independent and keep the expected fraction', () => {
  const a = dropoutMask([1000], 0.2, 42).dataSync();
  const b = dropoutMask([1000], 0.2, 42).dataSync();
  const c = dropoutMask([1000], 0.2, 43).dataSync();
  expect(Array.from(a)).toEqual(Array.from(b));
  expect(Array.from(a)).not.toEqual(Array.from(c));
  const kept = Array.from(a).filter((v) => v > 0);
  expect(kept.length).toBeGreaterThan(740);
  expect(kept.length).toBeLessThan(860);
  expect(kept.every((v) => Math.abs(v - 1.25) < 1e-6)).toBe(true);
  // Per-row masks: rows 2..3 of a 4-row mask equal a 2-row mask drawn with rowOffset 2.
  const whole = dropoutMask([4, 50], 0.2, 7, { perRow: true }).arraySync() as number[][];
  const shard = dropoutMask([2, 50], 0.2, 7, { perRow: true, rowOffset: 2 }).arraySync() as number[][];
  expect(shard).toEqual(whole.slice(2));
  expect(whole[0]).not.toEqual(whole[1]);
});

test('attention and FFN: shapes for two window lengths, no leaked tensors', () => {
  const attention = new CausalSelfAttention({ name: 'attn', dim: 8, numHeads: 2, dropoutRate: 0.1, seed: 1 });
  const ffn = new PointwiseFeedForward({ name: 'ffn', dim: 8, dropoutRate: 0.1, seed: 2 });
  const seeds = new SeedSequence(3);
  const training = { training: true, nextSeed: () => seeds.next() };
  for (const T of [4, 7]) {
    const seq = tf.tensor2d([Array.from({ length: T }, (_, t) => (t < 2 ? 0 : t))], undefined, 'int32');
    const u = tf.randomNormal([1, T, 8], 0, 1, 'float32', T) as tf.Tensor3D;
    const bias = attentionBias(seq);
    const before = tf.memory().numTensors;
    const out = attention.apply(u, { bias }, training);
    const ff = ffn.apply(u, INFERENCE);
    expect(out.shape).toEqual([1, T, 8]);
    expect(ff.shape).toEqual([1, T, 8]);
    expect(tf.memory().numTensors).toBe(before + 2);
    tf.dispose([seq, u, bias, out, ff]);
  }
  expect([...attention.namedWeights().keys()]).toEqual([
    'attn.q.kernel',
    'attn.q.bias',
    'attn.k.kernel',
    'attn.k.bias',
    'attn.v.kernel',
    'attn.v.bias',
    'attn.o.kernel',
    'attn.o.bias',
  ]);
});

test('mHC init: Hpre one-hot-biased, Hpost = 1, Hres near identity with unit row and column sums', () => {
  const mhc = new ManifoldHyperConnection({
    name: 'mhc_attn',
    dim: 6,
    expansionRate: 4,
    sinkhornIters: 20,
    initGate: 0.01,
    sublayerIndex: 5,
  });
  const streams = tf.randomNormal([2, 3, 4, 6], 0, 1, 'float32', 9) as tf.Tensor4D;
  const { hPre, hPost, hRes } = mhc.mixingMatrices(streams);
  const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
  expect(Array.from(hPre.slice([0, 0], [1, 4]).dataSync()).map((v) => +v.toFixed(6))).toEqual(
    [0, 1, 0, 0].map((b) => +sigmoid(b).toFixed(6)), // stream 5 mod 4 = 1
  );
  expect(Array.from(hPost.dataSync()).every((v) => Math.abs(v - 1) < 1e-6)).toBe(true);
  expectClose(tf.sum(hRes, -1).dataSync(), tf.onesLike(tf.sum(hRes, -1)).dataSync(), 1e-5);
  expectClose(tf.sum(hRes, -2).dataSync(), tf.onesLike(tf.sum(hRes, -2)).dataSync(), 1e-5);
  expect(tf.min(tf.sum(tf.mul(hRes, tf.eye(4)), -1)).dataSync()[0]).toBeGreaterThan(0.998);
  const out = mhc.apply(streams, (hin) => hin);
  expect(out.shape).toEqual([2, 3, 4, 6]);
});
