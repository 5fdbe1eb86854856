/**
 * The hand-written mHC pieces against tfjs's autodiff of the spec's formulas, away from the
 * initialisation (phi = 0 makes p = 0, where the alpha gradient is zero whatever the code does).
 */
import { initBackend, tf } from '@seqrec/runtime';
import { gateCoefficients, residualCoefficients } from './mixingCoefficients';
import { rmsNormalize } from './rmsNormalize';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const n = 4;
const stride = 2 * n + n * n;

function maxAbs(t: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(t)).dataSync()[0]);
}

/** Gradients of sum(f(p, alpha, b) * probe) w.r.t. all three inputs. */
function gradients(f: (p: tf.Tensor, alpha: tf.Tensor, b: tf.Tensor) => tf.Tensor, probe: tf.Tensor) {
  return (inputs: tf.Tensor[]) =>
    tf.grads((p: tf.Tensor, alpha: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(p, alpha, b), probe)))(inputs);
}

function expectSame(mine: tf.Tensor[], reference: tf.Tensor[], tolerance: number): void {
  mine.forEach((g, i) => {
    expect(g.shape).toEqual(reference[i].shape);
    expect(maxAbs(tf.sub(g, reference[i]))).toBeLessThan(tolerance);
    expect(maxAbs(reference[i])).toBeGreaterThan(1e-3); // not vacuous
  });
}

test('gate coefficients: scale * sigmoid(alpha * p + b) on their columns, gradients as autodiff', () => {
  const p = tf.randomNormal([7, stride], 0, 1, 'float32', 1);
  const alpha = tf.scalar(0.7);
  const b = tf.randomNormal([n], 0, 1, 'float32', 2);
  const probe = tf.randomNormal([7, n], 0, 1, 'float32', 3);
  for (const [column, scale] of [
    [0, 1],
    [n, 2],
  ]) {
    const mine = (q: tf.Tensor, a: tf.Tensor, c: tf.Tensor) =>
      gateCoefficients(q as tf.Tensor2D, column, a, c as tf.Tensor1D, scale);
    const reference = (q: tf.Tensor, a: tf.Tensor, c: tf.Tensor) =>
      tf.mul(scale, tf.sigmoid(tf.add(tf.mul(a, q.slice([0, column], [-1, n])), c)));
    expect(maxAbs(tf.sub(mine(p, alpha, b), reference(p, alpha, b)))).toBeLessThan(1e-6);
    expectSame(gradients(mine, probe)([p, alpha, b]), gradients(reference, probe)([p, alpha, b]), 1e-5);
  }
});

test('residual coefficients: Sinkhorn(alpha * p + b) on their columns, gradients as autodiff', () => {
  const p = tf.randomNormal([5, stride], 0, 1, 'float32', 4);
  const alpha = tf.scalar(0.9);
  const b = tf.randomNormal([n, n], 0, 1, 'float32', 5);
  const probe = tf.randomNormal([5, n, n], 0, 1, 'float32', 6);
  const mine = (q: tf.Tensor, a: tf.Tensor, c: tf.Tensor) =>
    residualCoefficients(q as tf.Tensor2D, 2 * n, a, c as tf.Tensor2D, 20);
  const reference = (q: tf.Tensor, a: tf.Tensor, c: tf.Tensor) => {
    let m = tf.exp(tf.add(tf.mul(a, q.slice([0, 2 * n], [-1, n * n]).reshape([-1, n, n])), c));
    for (let i = 0; i < 20; i++) {
      m = tf.div(m, tf.sum(m, -1, true));
      m = tf.div(m, tf.sum(m, -2, true));
    }
    return m;
  };
  expect(maxAbs(tf.sub(mine(p, alpha, b), reference(p, alpha, b)))).toBeLessThan(1e-6);
  expectSame(gradients(mine, probe)([p, alpha, b]), gradients(reference, probe)([p, alpha, b]), 1e-5);
});

test('rmsNormalize: x / sqrt(mean(x^2) + eps), gradient as autodiff', () => {
  const x = tf.randomNormal([6, 12], 0, 2, 'float32', 7);
  const probe = tf.randomNormal([6, 12], 0, 1, 'float32', 8);
  const reference = (v: tf.Tensor) => tf.mul(v, tf.rsqrt(tf.add(tf.mean(tf.square(v), -1, true), 1e-8)));
  expect(maxAbs(tf.sub(rmsNormalize(x as tf.Tensor2D, 1e-8), reference(x)))).toBeLessThan(1e-6);
  const mine = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(rmsNormalize(v as tf.Tensor2D, 1e-8), probe)))(x);
  const theirs = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(reference(v), probe)))(x);
  expectSame([mine], [theirs], 1e-5);
});
