/**
 * The fused mHC kernels (wasm) against the same arithmetic written as tfjs ops on the cpu
 * backend (shared/spec/MODEL.md §mHC): outputs and the gradients of every input within 1e-4
 * (phi's included: the kernels do the projection x phi and its gradient), for n = 4 (the
 * unrolled Sinkhorn and projection) and n = 2, 3 (the generic ones), d with and without a SIMD
 * tail, token counts that leave Sinkhorn lanes unused or span several dphi blocks of 64 tokens,
 * masked tokens, and no leaked tensors; and that a perturbed kernel output fails the comparison.
 */
import { expectClose, largestDifference } from '@seqrec/test-utils';
import { initBackend } from '../selectBackend';
import { tf } from '../tf';
import {
  MHC_COEFFICIENTS,
  MHC_COEFFICIENTS_GRAD,
  type MhcGates,
  mhcCoefficients,
  mhcExpand,
  mhcKernelsActive,
  mhcMerge,
  mhcMix,
} from './mhcOps';
import { seededValues } from './test-utils/backends';
import { heapF32, heapOffset, wasmInternals } from './wasmBackendInternals';

const EPS = 1e-8;
const ITERS = 20;

interface Case {
  tokens: number;
  n: number;
  d: number;
}

/** Seeded inputs: x [N, n*d], phi [n*d, w], the gates, f-weights [d, d] and output weights. */
function inputs({ tokens, n, d }: Case) {
  const w = 2 * n + n * n;
  const offDiagonal = Float32Array.from({ length: n * n }, (_, e) => (e % (n + 1) === 0 ? 0.3 : -2));
  return {
    x: tf.tensor2d(seededValues(tokens * n * d, 1, -2, 2), [tokens, n * d]),
    phi: tf.tensor2d(seededValues(n * d * w, 2, -0.5, 0.5), [n * d, w]),
    alphaPre: tf.scalar(0.7),
    alphaPost: tf.scalar(-0.4),
    alphaRes: tf.scalar(0.9),
    bPre: tf.tensor1d(seededValues(n, 3)),
    bPost: tf.tensor1d(seededValues(n, 4)),
    bRes: tf.add(tf.tensor2d(seededValues(n * n, 5), [n, n]), tf.tensor2d(offDiagonal, [n, n])) as tf.Tensor2D,
    wf: tf.tensor2d(seededValues(d * d, 6, -0.3, 0.3), [d, d]),
    wh: tf.tensor2d(seededValues(tokens * w, 7), [tokens, w]),
    wout: tf.tensor2d(seededValues(tokens * n * d, 8), [tokens, n * d]),
    mask: tf.tensor1d(Float32Array.from({ length: tokens }, (_, t) => (t % 3 === 1 ? 0 : 1))),
  };
}
type Inputs = ReturnType<typeof inputs>;
const DIFFERENTIABLE = ['x', 'phi', 'alphaPre', 'alphaPost', 'alphaRes', 'bPre', 'bPost', 'bRes'] as const;

/** The spec's arithmetic as tfjs ops: xn, the three coefficient groups, hin and the stream update. */
function reference(t: Inputs, n: number): { h: tf.Tensor2D; out: tf.Tensor2D } {
  const [N, nd] = t.x.shape;
  const d = nd / n;
  const xn = tf.mul(t.x, tf.rsqrt(tf.add(tf.mean(tf.square(t.x), -1, true), EPS)));
  const p = tf.matMul(xn, t.phi);
  const z = (column: number, width: number, alpha: tf.Tensor, bias: tf.Tensor) =>
    tf.add(tf.mul(alpha, tf.slice(p, [0, column], [N, width])), bias.reshape([1, width]));
  const hPre = tf.sigmoid(z(0, n, t.alphaPre, t.bPre));
  const hPost = tf.mul(2, tf.sigmoid(z(n, n, t.alphaPost, t.bPost)));
  let m = tf.exp(z(2 * n, n * n, t.alphaRes, t.bRes).reshape([N, n, n]));
  for (let k = 0; k < ITERS; k++) {
    m = tf.div(m, tf.sum(m, 2, true));
    m = tf.div(m, tf.sum(m, 1, true));
  }
  const streams = t.x.reshape([N, n, d]);
  const hin = tf.matMul(hPre.reshape([N, 1, n]), streams).reshape([N, d]);
  const f = tf.tanh(tf.matMul(hin, t.wf));
  const updated = tf.add(tf.matMul(m, streams), tf.mul(hPost.reshape([N, n, 1]), f.reshape([N, 1, d])));
  const out = tf.mul(updated, t.mask.reshape([N, 1, 1]));
  return {
    h: tf.concat([hPre, hPost, m.reshape([N, n * n])], 1) as tf.Tensor2D,
    out: out.reshape([N, nd]) as tf.Tensor2D,
  };
}

function fused(t: Inputs, n: number): { h: tf.Tensor2D; out: tf.Tensor2D } {
  const gates: MhcGates = t;
  const { h, hin, x } = mhcCoefficients(t.x, t.phi, gates, {
    n,
    sinkhornIters: ITERS,
    eps: EPS,
  });
  const f = tf.tanh(tf.matMul(hin, t.wf)) as tf.Tensor2D;
  return { h, out: mhcMix(x, f, h, t.mask, n) };
}

/** Outputs h, out and the gradients of sum(h * wh) + sum(out * wout) w.r.t. every input. */
function evaluate(c: Case, op: (t: Inputs, n: number) => { h: tf.Tensor2D; out: tf.Tensor2D }): Float32Array[] {
  return tf.tidy(() => {
    const t = inputs(c);
    const loss = (...xs: tf.Tensor[]) => {
      const bound = { ...t } as Record<string, tf.Tensor>;
      DIFFERENTIABLE.forEach((name, i) => (bound[name] = xs[i]));
      const { h, out } = op(bound as unknown as Inputs, c.n);
      return tf.add(tf.sum(tf.mul(h, t.wh)), tf.sum(tf.mul(out, t.wout)));
    };
    const { h, out } = op(t, c.n);
    const grads = tf.grads(loss)(DIFFERENTIABLE.map((name) => t[name]));
    return [h, out, ...grads].map((x) => Float32Array.from(x.dataSync()));
  });
}

const CASES: Case[] = [
  { tokens: 9, n: 4, d: 50 },
  { tokens: 6, n: 3, d: 7 },
  { tokens: 4, n: 4, d: 3 },
  { tokens: 1, n: 2, d: 8 },
  { tokens: 150, n: 4, d: 6 },
  { tokens: 70, n: 3, d: 5 },
];
const NAMES = ['h', 'out', ...DIFFERENTIABLE.map((name) => `d${name}`)];

/** The largest relative difference of every output and gradient, fused (wasm) vs reference (cpu). */
async function differences(c: Case): Promise<Record<string, number>> {
  await initBackend({ backend: 'cpu' });
  expect(mhcKernelsActive()).toBe(false);
  const expected = evaluate(c, reference);
  await initBackend({ backend: 'wasm' });
  expect(mhcKernelsActive()).toBe(true);
  const before = tf.memory().numTensors;
  const actual = evaluate(c, fused);
  expect(tf.memory().numTensors).toBe(before);
  return Object.fromEntries(
    NAMES.map((name, i) => [name, largestDifference(actual[i], expected[i], { relative: true }).value]),
  );
}

/** Runs `body` with wasm kernel `kernelName` adding 0.01 to the first value of its output `index`. */
async function withPerturbedKernel(kernelName: string, index: number, body: () => Promise<void>): Promise<void> {
  await initBackend({ backend: 'wasm' });
  const original = tf.getKernel(kernelName, 'wasm');
  if (original === undefined) throw new Error(`${kernelName} is not registered on wasm`);
  const perturbed: tf.KernelFunc = (args) => {
    const outputs = original.kernelFunc(args) as tf.TensorInfo | tf.TensorInfo[];
    const internals = wasmInternals(args.backend as tf.KernelBackend);
    if (typeof internals === 'string') throw new Error(internals);
    const target = (Array.isArray(outputs) ? outputs : [outputs])[index];
    heapF32(internals, heapOffset(internals, target), 1)[0] += 0.01;
    return outputs;
  };
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({ ...original, kernelFunc: perturbed });
  try {
    await body();
  } finally {
    tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel(original);
  }
}

describe('fused mHC kernels (wasm) vs tfjs ops (cpu)', () => {
  test.each(CASES)('tokens $tokens, n $n, d $d: outputs and gradients within 1e-4', async (c) => {
    const diffs = await differences(c);
    for (const [name, diff] of Object.entries(diffs)) {
      if (!(diff <= 1e-4)) throw new Error(`${name} differs by ${diff} (${JSON.stringify(diffs)})`);
    }
  });

  test.each([
    [MHC_COEFFICIENTS, 0, 'h'],
    [MHC_COEFFICIENTS_GRAD, 0, 'dx'],
    [MHC_COEFFICIENTS_GRAD, 1, 'dphi'],
  ] as const)('a perturbed %s output %i is caught in %s', async (kernelName, index, name) => {
    await withPerturbedKernel(kernelName, index, async () => {
      const diffs = await differences(CASES[0]);
      expect(diffs[name]).toBeGreaterThan(1e-4);
    });
  });

  test.each([
    [5, 4, 50],
    [3, 3, 7],
  ])('expand and merge (tokens %i, n %i, d %i): values and gradients within 1e-4', async (tokens, n, d) => {
    // loss = sum(expand(x) * a) + sum(merge(X) * b): d/dx = merge(a), d/dX = expand(b)
    const run = (expand: (x: tf.Tensor2D) => tf.Tensor2D, merge: (x: tf.Tensor2D) => tf.Tensor2D) =>
      tf.tidy(() => {
        const x = tf.tensor2d(seededValues(tokens * d, 11), [tokens, d]);
        const streams = tf.tensor2d(seededValues(tokens * n * d, 12), [tokens, n * d]);
        const a = tf.tensor2d(seededValues(tokens * n * d, 13), [tokens, n * d]);
        const b = tf.tensor2d(seededValues(tokens * d, 14), [tokens, d]);
        const loss = (u: tf.Tensor, v: tf.Tensor) =>
          tf.add(tf.sum(tf.mul(expand(u as tf.Tensor2D), a)), tf.sum(tf.mul(merge(v as tf.Tensor2D), b)));
        const grads = tf.grads(loss)([x, streams]);
        return [expand(x), merge(streams), ...grads].map((t) => Float32Array.from(t.dataSync()));
      });
    await initBackend({ backend: 'cpu' });
    const expected = run(
      (x) => tf.tile(x.reshape([tokens, 1, d]), [1, n, 1]).reshape([tokens, n * d]) as tf.Tensor2D,
      (x) => tf.sum(x.reshape([tokens, n, d]), 1) as tf.Tensor2D,
    );
    await initBackend({ backend: 'wasm' });
    const before = tf.memory().numTensors;
    const actual = run(
      (x) => mhcExpand(x, n),
      (x) => mhcMerge(x, n),
    );
    expect(tf.memory().numTensors).toBe(before);
    actual.forEach((values, i) => expectClose(values, expected[i], 1e-4, { relative: true }));
  });

  test('no tensors left after a training-style step on wasm', async () => {
    await initBackend({ backend: 'wasm' });
    const c = CASES[0];
    evaluate(c, fused); // warm-up
    const before = tf.memory().numTensors;
    for (let i = 0; i < 2; i++) evaluate(c, fused);
    expect(tf.memory().numTensors).toBe(before);
  });
});
