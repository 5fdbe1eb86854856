/**
 * The ops that keep less for the backward pass than tfjs's (multiplyByMask, residualAdd,
 * reluDropout, splitHeads / mergeHeads, reshapeView, maskedSoftmaxDropout): the same values and
 * gradients as the plain tfjs formula, and no leaked tensors.
 */
import { initBackend, tf } from '@seqrec/runtime';
import { expectClose } from '@seqrec/test-utils';
import { dropoutMask } from './dropout';
import { SeedSequence, type ForwardContext } from './forwardContext';
import { mergeHeads, splitHeads } from './headLayout';
import { maskedSoftmax, maskedSoftmaxDropout } from './maskedSoftmax';
import { multiplyByMask } from './multiplyByMask';
import { reluDropout } from './reluDropout';
import { reshapeView } from './reshapeView';
import { residualAdd } from './residualAdd';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

/** Values and input gradients of `lean` and `plain` (loss: sum of squares times a fixed weight). */
function expectSameAsPlain(
  inputs: tf.Tensor[],
  lean: (...xs: tf.Tensor[]) => tf.Tensor,
  plain: (...xs: tf.Tensor[]) => tf.Tensor,
): void {
  const before = tf.memory().numTensors;
  tf.tidy(() => {
    const weight = tf.randomUniform(lean(...inputs).shape, 0.5, 1.5, 'float32', 9);
    const loss =
      (f: (...xs: tf.Tensor[]) => tf.Tensor) =>
      (...xs: tf.Tensor[]) =>
        tf.sum(tf.mul(tf.square(f(...xs)), weight));
    expectClose(lean(...inputs).dataSync(), plain(...inputs).dataSync(), 1e-6);
    const mine = tf.grads(loss(lean))(inputs);
    const reference = tf.grads(loss(plain))(inputs);
    mine.forEach((g, i) => expectClose(g.dataSync(), (reference[i] as tf.Tensor).dataSync(), 1e-5));
  });
  expect(tf.memory().numTensors).toBe(before);
}

function training(seed: number): ForwardContext {
  const seeds = new SeedSequence(seed);
  return { training: true, nextSeed: () => seeds.next(), rowOffset: 3 };
}

const x = () => tf.randomNormal([2, 5, 8], 0, 1, 'float32', 1);

test('multiplyByMask equals x * mask, with a broadcast mask too', () => {
  const input = x();
  const mask = dropoutMask([2, 5, 8], 0.3, 7);
  const rows = tf.tensor3d([1, 1, 0, 1, 0, 0, 1, 1, 1, 1], [2, 5, 1]);
  expectSameAsPlain(
    [input],
    (a) => multiplyByMask(a, mask),
    (a) => tf.mul(a, mask),
  );
  expectSameAsPlain(
    [input],
    (a) => multiplyByMask(a, rows),
    (a) => tf.mul(a, rows),
  );
  tf.dispose([input, mask, rows]);
});

test('residualAdd equals a + b and refuses different shapes', () => {
  const [a, b] = [x(), tf.randomNormal([2, 5, 8], 0, 1, 'float32', 2)];
  expectSameAsPlain([a, b], residualAdd, tf.add);
  expect(() => residualAdd(a, tf.zeros([2, 5, 1]))).toThrow(/shapes/);
  tf.dispose([a, b]);
});

test('reluDropout equals dropout(relu(x)) with the same mask, and relu in inference', () => {
  const input = x();
  for (const rate of [0, 0.4]) {
    const maskOf = () => dropoutMask([2, 5, 8], rate, new SeedSequence(5).next(), { perRow: true, rowOffset: 3 });
    expectSameAsPlain(
      [input],
      (a) => reluDropout(a, rate, training(5)),
      (a) => (rate === 0 ? tf.relu(a) : tf.mul(tf.relu(a), maskOf())),
    );
  }
  expectSameAsPlain([input], (a) => reluDropout(a, 0.4, { training: false, nextSeed: () => 0 }), tf.relu);
  tf.dispose(input);
});

test('splitHeads (with a scale) and mergeHeads equal the reshape/transpose formulas', () => {
  const input = x();
  expectSameAsPlain(
    [input],
    (a) => splitHeads(a, 2, 0.25),
    (a) => tf.mul(a, 0.25).reshape([2, 5, 2, 4]).transpose([0, 2, 1, 3]),
  );
  const heads = tf.randomNormal([2, 2, 5, 4], 0, 1, 'float32', 3);
  expectSameAsPlain([heads], mergeHeads, (a) => a.transpose([0, 2, 1, 3]).reshape([2, 5, 8]));
  expectSameAsPlain(
    [input],
    (a) => reshapeView(a, [-1, 8]),
    (a) => a.reshape([-1, 8]),
  );
  tf.dispose([input, heads]);
});

test('maskedSoftmaxDropout equals maskedSoftmax(...) * mask, with and without a second term', () => {
  const [a, b] = [tf.randomNormal([2, 2, 5, 5], 0, 1, 'float32', 4), tf.randomNormal([2, 2, 5, 5], 0, 1, 'float32', 5)];
  const bias = tf.tensor4d(
    Array.from({ length: 50 }, (_, i) => (i % 5 > Math.floor(i / 5) % 5 ? -1e9 : 0)),
    [2, 1, 5, 5],
  );
  const mask = dropoutMask([2, 2, 5, 5], 0.3, 11);
  expectSameAsPlain(
    [a],
    (s) => maskedSoftmaxDropout(s, null, bias, mask),
    (s) => tf.mul(maskedSoftmax(s, null, bias), mask),
  );
  expectSameAsPlain(
    [a, b],
    (s, t) => maskedSoftmaxDropout(s, t, bias, mask),
    (s, t) => tf.mul(tf.softmax(tf.add(tf.add(s, t), bias)), mask),
  );
  tf.dispose([a, b, bias, mask]);
});
