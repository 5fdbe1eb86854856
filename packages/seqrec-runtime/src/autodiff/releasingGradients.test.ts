import { expectClose } from '@seqrec/test-utils';
import { seededValues } from '../kernels/test-utils/backends';
import { initBackend } from '../selectBackend';
import { tf } from '../tf';
import {
  installReleasingGradients,
  RELEASING_GRADIENTS,
  uninstallReleasingGradients,
} from './installReleasingGradients';
import { hasGradientInternals } from './releasingGradients';

const N = 64;

/** A small attention-like layer: shared inputs, broadcasting, reshapes, a custom gradient. */
function loss(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Scalar {
  const scale = tf.customGrad((a, save) => {
    (save as tf.GradSaveFunc)([]);
    return { value: tf.mul(a as tf.Tensor, 0.5), gradFunc: (dy) => tf.mul(dy as tf.Tensor, 0.5) };
  });
  const h = tf.add(tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D), b); // [N, N]
  const scores = tf.matMul(h, h, false, true); // [N, N], h used twice
  const p = tf.softmax(scale(scores) as tf.Tensor);
  const out = tf
    .relu(tf.matMul(p, h))
    .reshape([N / 2, 2 * N])
    .transpose();
  return tf.mean(tf.square(out));
}

function gradsOf(): Float32Array[] {
  const x = tf.tensor2d(seededValues(N * N, 1), [N, N]);
  const init = tf.tensor2d(seededValues(N * N, 2, -0.2, 0.2), [N, N]);
  const w = tf.variable(init, true, 'releasing_test_w');
  init.dispose();
  const b = tf.tensor1d(seededValues(N, 3));
  try {
    const grads = tf.grads((xi: tf.Tensor, bi: tf.Tensor) => loss(xi, w, bi))([x, b]);
    const { value, grads: varGrads } = tf.variableGrads(() => loss(x, w, b), [w]);
    const out = [...grads, varGrads['releasing_test_w'] as tf.Tensor].map((g) => Float32Array.from(g.dataSync()));
    tf.dispose([...grads, value, ...Object.values(varGrads)]);
    return out;
  } finally {
    tf.dispose([x, w, b]);
  }
}

/**
 * Peak engine bytes while differentiating a chain of 12 `neg`s of an [N, N] tensor. Neg keeps
 * nothing for its gradient and each forward output is freed as soon as the next exists, so the
 * forward pass holds two tensors at a time and the peak is the backward pass's.
 */
async function backwardPeakBytes(): Promise<number> {
  const x = tf.tensor2d(seededValues(N * N, 4), [N, N]);
  const f = (t: tf.Tensor): tf.Scalar => {
    let h = t;
    for (let i = 0; i < 12; i++) {
      const next = tf.neg(h);
      if (h !== t) h.dispose();
      h = next;
    }
    return tf.sum(h);
  };
  const info = await tf.profile(() => {
    tf.grad(f)(x).dispose();
  });
  x.dispose();
  return info.peakBytes;
}

describe('releasing gradients (engine.gradients that frees during the backward pass)', () => {
  afterAll(async () => {
    await initBackend({ backend: 'cpu' });
  });

  it.each(['cpu', 'wasm'] as const)('is installed by initBackend on %s', async (backend) => {
    const report = await initBackend({ backend });
    expect(report.kernels).toContain(RELEASING_GRADIENTS);
  });

  it.each(['cpu', 'wasm'] as const)('gives the stock gradients and leaks nothing on %s', async (backend) => {
    await initBackend({ backend });
    uninstallReleasingGradients();
    const stock = gradsOf();
    expect(installReleasingGradients().active).toBe(RELEASING_GRADIENTS);
    const before = tf.memory().numTensors;
    const released = gradsOf();
    expect(tf.memory().numTensors).toBe(before);
    expect(released).toHaveLength(stock.length);
    released.forEach((g, i) => expectClose(g, stock[i] as Float32Array, 1e-6, { relative: true }));
  });

  it('holds less memory at its peak than the stock backward pass', async () => {
    await initBackend({ backend: 'cpu' });
    uninstallReleasingGradients();
    const stock = await backwardPeakBytes();
    installReleasingGradients();
    const released = await backwardPeakBytes();
    // stock keeps all 12 intermediate gradients to the end; released about two at a time
    expect(stock).toBeGreaterThanOrEqual(12 * N * N * 4);
    expect(released).toBeLessThan(stock / 2);
  });

  it('computes second-order gradients (nested calls run the stock code)', async () => {
    await initBackend({ backend: 'cpu' });
    const x = tf.tensor1d([0.5, -1, 2]);
    const second = tf.grad((t: tf.Tensor) =>
      tf
        .grad((u: tf.Tensor) => tf.sum(tf.pow(u, 3)))(t)
        .sum(),
    )(x);
    expect(Array.from(second.dataSync())).toEqual([3, -6, 12]); // d2/du2 sum(u^3) = 6u
    tf.dispose([x, second]);
  });

  it('recognises an engine without the members it needs', () => {
    expect(hasGradientInternals(tf.engine())).toBe(true);
    expect(hasGradientInternals({ gradients: () => null })).toBe(false);
    expect(hasGradientInternals(null)).toBe(false);
  });
});
