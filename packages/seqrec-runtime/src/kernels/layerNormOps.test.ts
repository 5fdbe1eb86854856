/**
 * The fused LayerNorm kernels on wasm: bit for bit against the tfjs-op form that @seqrec/layers
 * runs elsewhere (its explicit gradient, column sums as `ones x M` matmuls, over several of the
 * matmul's 256-row blocks), and within float32 rounding against tfjs autodiff of the definition;
 * for several widths, rows of equal values (variance 0, where eps decides) and no rows.
 */
import { initBackend } from '../selectBackend';
import { tf } from '../tf';
import { layerNormBackward, layerNormForward, layerNormKernelsActive } from './layerNormOps';
import { seededValues } from './test-utils/backends';

const EPS = 1e-8;

/** The tfjs-op form: y, xhat, rstd, then dx, dgamma, dbeta for upstream gradient dy. */
function reference(x: tf.Tensor2D, gamma: tf.Tensor1D, beta: tf.Tensor1D, dy: tf.Tensor2D): tf.Tensor[] {
  const { mean, variance } = tf.moments(x, -1, true);
  const rstd = tf.rsqrt(tf.add(variance, EPS));
  const xhat = tf.mul(tf.sub(x, mean), rstd);
  const y = tf.add(tf.mul(xhat, gamma), beta);
  const [dx, dgamma, dbeta] = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
    const m = tf.moments(a, -1, true);
    const normalized = tf.mul(tf.sub(a, m.mean), tf.rsqrt(tf.add(m.variance, EPS)));
    return tf.add(tf.mul(normalized, g), b);
  })([x, gamma, beta], dy);
  return [y, xhat, rstd.reshape([-1]), dx, dgamma, dbeta];
}

/** The tfjs-op form of @seqrec/layers layerNorm.ts, forward and its written-out gradient. */
function opForm(x: tf.Tensor2D, gamma: tf.Tensor1D, beta: tf.Tensor1D, dy: tf.Tensor2D): tf.Tensor[] {
  const { mean, variance } = tf.moments(x, -1, true);
  const rstd = tf.rsqrt(tf.add(variance, EPS));
  const xhat = tf.mul(tf.sub(x, mean), rstd);
  const y = tf.add(tf.mul(xhat, gamma), beta);
  const g = tf.mul(dy, gamma);
  const meanG = tf.mean(g, -1, true);
  const meanGx = tf.mean(tf.mul(g, xhat), -1, true);
  const dx = tf.mul(rstd, tf.sub(tf.sub(g, meanG), tf.mul(xhat, meanGx)));
  const ones = tf.ones([1, x.shape[0]]);
  const columnSum = (m: tf.Tensor2D) => tf.matMul(ones, m).reshape([-1]);
  return [y, xhat, rstd.reshape([-1]), dx, columnSum(tf.mul(dy, xhat)), columnSum(dy)];
}

function expectClose(got: tf.Tensor, want: tf.Tensor, tolerance: number): void {
  expect(got.shape).toEqual(want.shape);
  const g = got.dataSync();
  const w = want.dataSync();
  let worst = 0;
  for (let i = 0; i < w.length; i++) worst = Math.max(worst, Math.abs(g[i] - w[i]) / (1 + Math.abs(w[i])));
  expect(worst).toBeLessThan(tolerance);
}

describe('fused LayerNorm on wasm', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('is active on wasm', () => {
    expect(layerNormKernelsActive()).toBe(true);
  });

  it.each([
    [7, 50],
    [600, 50],
    [33, 1],
    [4, 5],
    [0, 8],
  ])('matches the tfjs ops for %i rows of %i features', (n, d) => {
    tf.tidy(() => {
      const x = tf.tensor2d(seededValues(n * d, 1, -3, 3), [n, d]);
      const gamma = tf.tensor1d(seededValues(d, 2, 0.5, 1.5));
      const beta = tf.tensor1d(seededValues(d, 3, -1, 1));
      const dy = tf.tensor2d(seededValues(n * d, 4, -1, 1), [n, d]);
      const [y, xhat, rstd] = layerNormForward(x, gamma, beta, EPS);
      const [dx, dgamma, dbeta] = layerNormBackward(dy, xhat, rstd, gamma);
      const got = [y, xhat, rstd, dx, dgamma, dbeta];
      const bits = opForm(x, gamma, beta, dy);
      got.forEach((t, i) => expect(Array.from(t.dataSync())).toEqual(Array.from(bits[i].dataSync())));
      const want = reference(x, gamma, beta, dy);
      got.forEach((t, i) => expectClose(t, want[i], 1e-4));
    });
  });

  it('refuses shapes that do not fit together, naming them', () => {
    tf.tidy(() => {
      const x = tf.ones([2, 4]) as tf.Tensor2D;
      const four = tf.ones([4]) as tf.Tensor1D;
      expect(() => layerNormForward(x, tf.ones([2]) as tf.Tensor1D, four, EPS)).toThrow(
        /x must be \[N, d\].*\[2,4\], \[2\]/,
      );
      expect(() => layerNormForward(tf.ones([2, 3, 4]) as unknown as tf.Tensor2D, four, four, EPS)).toThrow(
        /layerNormForward/,
      );
      expect(() => layerNormBackward(tf.ones([8, 4]) as tf.Tensor2D, x, tf.ones([2]) as tf.Tensor1D, four)).toThrow(
        /layerNormBackward: dy and xhat must be \[N, d\]/,
      );
    });
  });

  it('gives a row of equal values xhat 0 and dx 0 (eps keeps 1/std finite)', () => {
    tf.tidy(() => {
      const x = tf.fill([2, 6], 4) as tf.Tensor2D;
      const gamma = tf.ones([6]) as tf.Tensor1D;
      const [y, xhat, rstd] = layerNormForward(x, gamma, tf.zeros([6]) as tf.Tensor1D, EPS);
      const [dx] = layerNormBackward(tf.ones([2, 6]) as tf.Tensor2D, xhat, rstd, gamma);
      expect(Array.from(y.dataSync())).toEqual(new Array(12).fill(0));
      expect(Array.from(dx.dataSync())).toEqual(new Array(12).fill(0));
      expect(Number.isFinite(rstd.dataSync()[0])).toBe(true);
    });
  });
});
