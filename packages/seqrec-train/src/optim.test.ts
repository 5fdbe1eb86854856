import { initBackend, tf } from '@seqrec/runtime';
import { Adam } from './adam';
import { learningRate } from './schedule';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

it('Adam matches the closed form for two steps and its state round-trips', async () => {
  const w = tf.variable(tf.tensor1d([1, -2]));
  const adam = new Adam(new Map([['w', w]]), { beta1: 0.9, beta2: 0.98, epsilon: 1e-8 });
  const g = tf.tensor1d([0.5, -1]);
  adam.apply(new Map([['w', g]]), 0.1);
  // Step 1: m = 0.1 g, v = 0.02 g^2 -> mhat = g, vhat = g^2 -> update = lr * sign(g)
  expect(Array.from(await w.data()).map((x) => +x.toFixed(5))).toEqual([0.9, -1.9]);
  const state = await adam.getState();
  expect(state.step).toBe(1);
  const other = new Adam(new Map([['w', w]]));
  other.setState(state);
  expect(Array.from((await other.getState()).moments.get('w')?.v ?? [])).toEqual(
    Array.from(state.moments.get('w')?.v ?? []),
  );
  adam.dispose();
  other.dispose();
});

it.each(['host', 'kernels'] as const)(
  'Adam (%s) matches a float64 reference over steps, gradients as tensors or arrays',
  (denseUpdate) => {
    const before = tf.memory().numTensors;
    const init = [0.3, -1.2, 2, 0.05, -0.7, 1.1];
    const w = tf.tidy(() => tf.variable(tf.tensor2d(init, [2, 3])));
    const b = tf.tidy(() => tf.variable(tf.tensor1d([0.5, -0.5])));
    const adam = new Adam(
      new Map<string, tf.Variable>([
        ['w', w],
        ['b', b],
      ]),
      { beta1: 0.9, beta2: 0.98, epsilon: 1e-8, denseUpdate },
    );
    expect(adam.denseUpdate).toBe(denseUpdate);
    const [b1, b2, eps, lr] = [0.9, 0.98, 1e-8, 0.05];
    const ref = { w: [...init], m: new Array(6).fill(0), v: new Array(6).fill(0) };
    for (let t = 1; t <= 4; t++) {
      const g = Float32Array.from({ length: 6 }, (_, i) => Math.sin(3 * i + t) * (i === 2 ? 0 : 1)); // one zero gradient
      const asTensor = t % 2 === 0;
      const gw = asTensor ? tf.tensor2d(g, [2, 3]) : g;
      adam.apply(new Map<string, tf.Tensor | Float32Array>([['w', gw]]), lr); // b: no gradient this step
      if (asTensor) (gw as tf.Tensor).dispose();
      for (let i = 0; i < 6; i++) {
        const gi = g[i] as number;
        ref.m[i] = b1 * ref.m[i] + (1 - b1) * gi;
        ref.v[i] = b2 * ref.v[i] + (1 - b2) * gi * gi;
        ref.w[i] -= (lr * (ref.m[i] / (1 - b1 ** t))) / (Math.sqrt(ref.v[i] / (1 - b2 ** t)) + eps);
      }
    }
    Array.from(w.dataSync()).forEach((x, i) => expect(Math.abs(x - (ref.w[i] as number))).toBeLessThan(1e-6));
    expect(Array.from(b.dataSync())).toEqual([0.5, -0.5]); // never given a gradient: unchanged
    expect(() => adam.apply(new Map([['w', new Float32Array(5)]]), lr)).toThrow(/'w' has 5 values, the weight 6/);
    expect(() => adam.apply(new Map([['x', new Float32Array(6)]]), lr)).toThrow(/'x', which is not a weight/);
    expect(adam.step).toBe(4); // a refused update changes nothing
    adam.dispose();
    tf.dispose([w, b]);
    expect(tf.memory().numTensors).toBe(before);
  },
);

it('learning rate: linear warm-up, then a staircase decay every lrDecayStep epochs', () => {
  const s = { lr: 1, warmupSteps: 4, lrDecayStep: 2, lrDecayRate: 0.5 };
  expect([0, 1, 2, 3, 4].map((step) => learningRate(s, step, 1))).toEqual([0.25, 0.5, 0.75, 1, 1]);
  expect([1, 2, 3, 4, 5].map((epoch) => learningRate(s, 100, epoch))).toEqual([1, 1, 0.5, 0.5, 0.25]);
  expect(learningRate({ ...s, warmupSteps: 0 }, 0, 1)).toBe(1);
});

it('learning rate: cosine anneals from lr after warm-up to 0 at totalSteps; constant stays; warm-up in front of each', () => {
  const base = { lr: 2, warmupSteps: 4, lrDecayStep: 1, lrDecayRate: 0.5, totalSteps: 104 };
  const cosine = { ...base, lrSchedule: 'cosine' as const };
  // Independent closed form: halfway through the 100 post-warm-up steps, cos(pi/2) = 0 -> lr/2.
  expect([0, 1, 2, 3].map((step) => learningRate(cosine, step, 1))).toEqual([0.5, 1, 1.5, 2]);
  expect(learningRate(cosine, 4, 1)).toBe(2);
  expect(learningRate(cosine, 54, 9)).toBeCloseTo(1, 12);
  expect(learningRate(cosine, 104, 99)).toBeCloseTo(0, 12);
  const rates = Array.from({ length: 100 }, (_, i) => learningRate(cosine, 4 + i, 1 + i));
  expect(rates.every((r, i) => i === 0 || r < (rates[i - 1] as number))).toBe(true);
  const constant = { ...base, lrSchedule: 'constant' as const };
  expect([0, 3, 4, 50, 1000].map((step) => learningRate(constant, step, 1 + step))).toEqual([0.5, 2, 2, 2, 2]);
  // step (the default) decays by epoch, the others ignore lrDecayStep/lrDecayRate.
  expect(learningRate({ ...base, lrSchedule: 'step' }, 50, 3)).toBe(learningRate(base, 50, 3));
  expect(learningRate(base, 50, 3)).toBe(0.5);
  expect(() => learningRate({ ...cosine, totalSteps: undefined }, 5, 1)).toThrow(/totalSteps/);
});
