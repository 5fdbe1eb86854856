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
