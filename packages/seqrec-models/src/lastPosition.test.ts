/**
 * `lastPositionOnly` (the last block computed at the newest position only) gives the scores of
 * the full forward, for every variant, on cpu and on wasm (the serving backend, with its SIMD
 * BatchMatMul), with trained-looking weights: every weight is redrawn at random so that mHC's
 * gates and Sinkhorn mixing are far from their near-identity initialisation.
 */
import { initBackend, tf } from '@seqrec/runtime';
import { createModel } from './createModel';
import { disposeBatch, lcg, randomBatch, toTensors } from './test-utils/batches';
import { TEST_MODEL, VARIANTS } from './test-utils/variants';
import type { SequentialRecommender } from './types';

const base = TEST_MODEL;

function randomizeWeights(model: SequentialRecommender, seed: number): void {
  const random = lcg(seed);
  for (const variable of model.weights.values()) {
    const values = Float32Array.from({ length: variable.size }, () => (random() - 0.5) * 1.2);
    variable.assign(tf.tensor(values, variable.shape));
  }
}

describe.each(['cpu', 'wasm'] as const)('%s backend', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });

  describe.each(VARIANTS)('%s', (_name, variant) => {
    // A window shorter than maxlen (positions then start past 1) and a full one, with a
    // one-item history among the rows.
    test.each([9, base.maxlen])('window %d: scoreAll and score equal the full forward within 1e-5', (T) => {
      const model = createModel({ ...base, ...variant }, { seed: 21 });
      randomizeWeights(model, 7);
      const batch = toTensors(randomBatch([T, 4, 1, T - 2], T, base.numItems, base.timeSpan, 3));
      const candidates = tf.tensor2d(
        Array.from({ length: 4 }, (_, b) => [1 + b, 7, 11 + b, base.numItems]),
        undefined,
        'int32',
      );
      const before = tf.memory().numTensors;
      const full = model.scoreAll(batch); // [B, V+1]
      const fast = model.scoreAll(batch, { lastPositionOnly: true });
      const fullCandidates = model.score(batch, candidates);
      const fastCandidates = model.score(batch, candidates, { lastPositionOnly: true });
      expect(fast.shape).toEqual(full.shape);
      const a = full.dataSync();
      const b = fast.dataSync();
      let worst = 0;
      let scale = 0;
      for (let i = 0; i < a.length; i++) {
        if (a[i] === -Infinity) {
          expect(b[i]).toBe(-Infinity); // the padding column
          continue;
        }
        worst = Math.max(worst, Math.abs(a[i] - b[i]));
        scale = Math.max(scale, Math.abs(a[i]));
      }
      expect(scale).toBeGreaterThan(0.1); // scores of real size, not all ~0
      expect(worst).toBeLessThan(1e-5);
      const candidateGap = tf.tidy(() => tf.max(tf.abs(tf.sub(fullCandidates, fastCandidates))).dataSync()[0]);
      expect(candidateGap).toBeLessThan(1e-5);
      tf.dispose([full, fast, fullCandidates, fastCandidates]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose(candidates);
      disposeBatch(batch);
      model.dispose();
    });
  });

  test('packed batches are refused: the newest position of a packed row is not one user', () => {
    const model = createModel({ ...base, kind: 'sasrec', mhc: null });
    const seq = tf.tensor2d([[1, 2, 3, 4]], undefined, 'int32');
    const segments = tf.tensor2d([[1, 1, 2, 2]], undefined, 'int32');
    expect(() => model.scoreAll({ seq, segments }, { lastPositionOnly: true })).toThrow(/packed/);
    tf.dispose([seq, segments]);
    model.dispose();
  });
});
