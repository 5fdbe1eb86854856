/**
 * Model properties the spec promises beyond the fixtures: trimming a batch to its longest
 * sequence is exact, mHC at initialisation computes the plain model, training and scoring leak
 * no tensors, and the padding row of item_emb stays zero.
 */
import { initBackend, tf } from '@seqrec/runtime';
import { createModel } from './createModel';
import { disposeBatch, randomBatch, toTensors, trimBatch } from './test-utils/batches';
import { TEST_MODEL, VARIANTS } from './test-utils/variants';

const base = TEST_MODEL;

/** Values of a [B, T, d] tensor at real positions (mask from seq), flattened. */
function realPositions(features: tf.Tensor3D, seq: number[][]): number[] {
  const values = features.arraySync();
  const out: number[] = [];
  seq.forEach((row, b) => {
    const T = row.length;
    row.forEach((id, t) => {
      if (id !== 0) out.push(...values[b][t - T + values[b].length]);
    });
  });
  return out;
}

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe.each(VARIANTS)('%s', (_name, variant) => {
  test('creating and disposing the model frees every tensor it made', () => {
    const before = tf.memory().numTensors;
    createModel({ ...base, ...variant }, { seed: 3 }).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  test('trimming a padded batch to its longest sequence leaves real positions unchanged', () => {
    const model = createModel({ ...base, ...variant }, { seed: 3 });
    const full = randomBatch([5, 2, 7], base.maxlen, base.numItems, base.timeSpan, 11);
    const trimmed = trimBatch(full, 7);
    const [a, b] = [full, trimmed].map((raw) => {
      const tensors = toTensors(raw);
      const features = model.features(tensors);
      const real = realPositions(features, raw.seq);
      features.dispose();
      disposeBatch(tensors);
      return real;
    });
    expect(a.length).toBe((5 + 2 + 7) * base.hiddenUnits);
    let worst = 0;
    a.forEach((value, i) => (worst = Math.max(worst, Math.abs(value - b[i]))));
    expect(worst).toBeLessThan(1e-5);
    model.dispose();
  });

  test('5 training steps and 5 scoring calls leak no tensors; padding row stays zero', () => {
    const model = createModel({ ...base, ...variant }, { seed: 5 });
    const batch = toTensors(randomBatch([16, 9, 3, 12], base.maxlen, base.numItems, base.timeSpan, 2));
    const candidates = tf.tensor2d(
      [
        [1, 2, 3],
        [4, 5, 6],
        [7, 8, 9],
        [10, 11, 12],
      ],
      undefined,
      'int32',
    );
    const optimizer = tf.train.adam(0.01);
    const variables = [...model.weights.values()];
    const before = tf.memory().numTensors;
    const losses: number[] = [];
    for (let step = 0; step < 5; step++) {
      const loss = optimizer.minimize(() => model.loss(batch, { training: true }), true, variables);
      losses.push(loss!.dataSync()[0]);
      loss!.dispose();
      if (step === 0) expect(tf.memory().numTensors).toBeGreaterThan(before); // Adam's slots appear once
    }
    const afterTraining = tf.memory().numTensors;
    for (let call = 0; call < 5; call++) {
      tf.dispose([model.score(batch, candidates), model.scoreAll(batch), model.features(batch)]);
    }
    expect(tf.memory().numTensors).toBe(afterTraining);
    for (let step = 0; step < 5; step++)
      optimizer.minimize(() => model.loss(batch, { training: true }), false, variables);
    expect(tf.memory().numTensors).toBe(afterTraining);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[4]).toBeLessThan(losses[0]);
    const paddingRow = model.weights.get('item_emb')!.slice([0, 0], [1, base.hiddenUnits]);
    expect(Array.from(paddingRow.dataSync())).toEqual(new Array(base.hiddenUnits).fill(0));
    tf.dispose([paddingRow, candidates]);
    disposeBatch(batch);
    optimizer.dispose();
    model.dispose();
  });

  test('dropout is seeded: the same seed gives the same training loss, another seed does not', () => {
    const batch = toTensors(randomBatch([16, 9], base.maxlen, base.numItems, base.timeSpan, 4));
    const lossOf = (seed: number) => {
      const model = createModel({ ...base, ...variant }, { seed });
      const loss = model.loss(batch, { training: true });
      const value = loss.dataSync()[0];
      loss.dispose();
      model.dispose();
      return value;
    };
    expect(lossOf(1)).toBe(lossOf(1));
    expect(lossOf(1)).not.toBe(lossOf(2));
    disposeBatch(batch);
  });
});

describe.each(VARIANTS)('%s, data-parallel shards', (_name, variant) => {
  test("shards of a batch give the whole batch's gradients (count-weighted), dropout included", () => {
    const model = createModel({ ...base, ...variant }, { seed: 12 });
    const raw = randomBatch([16, 9, 3, 12, 7], base.maxlen, base.numItems, base.timeSpan, 5);
    const variables = [...model.weights.values()];
    const gradsOf = (rows: [number, number]) => {
      const part = {
        seq: raw.seq.slice(...rows),
        pos: raw.pos.slice(...rows),
        neg: raw.neg.slice(...rows),
        rel: raw.rel.slice(...rows),
      };
      const tensors = toTensors(part);
      model.setRngState(40); // every shard replays the same dropout seeds
      const { value, grads } = tf.variableGrads(
        () => model.loss(tensors, { training: true, rowOffset: rows[0] }),
        variables,
      );
      value.dispose();
      disposeBatch(tensors);
      const targets = part.pos.flat().filter((id) => id !== 0).length;
      return { grads, targets };
    };
    const whole = gradsOf([0, 5]);
    const shards = [gradsOf([0, 2]), gradsOf([2, 5])];
    let worst = 0;
    for (const variable of variables) {
      const combined = tf.addN(shards.map((s) => tf.mul(s.grads[variable.name], s.targets / whole.targets)));
      worst = Math.max(worst, tf.max(tf.abs(tf.sub(combined, whole.grads[variable.name]))).dataSync()[0]);
    }
    expect(worst).toBeLessThan(1e-5);
    model.dispose();
  });
});

describe('mHC at initialisation', () => {
  // At init every stream equals x, Hres = Sinkhorn(b_res) is symmetric so its rows sum to 1,
  // Hpost = 1, and LN_attn / LN_ffn / LN_last remove the scales that Hpre (sum 1.73 + (n-1)/2)
  // and the n-stream merge introduce. What remains is float32 rounding through LayerNorm of
  // inputs scaled by ~2-4 and the 1e-8 epsilon: 1e-5 absolute is ~100x that rounding level.
  test.each(['sasrec', 'tisasrec'] as const)('%s: features equal the plain model with the same weights', (kind) => {
    const plain = createModel({ ...base, kind, mhc: null, dropoutRate: 0 }, { seed: 9 });
    const withMhc = createModel(
      { ...base, kind, mhc: { expansionRate: 4, sinkhornIters: 20, initGate: 0.01 }, dropoutRate: 0 },
      { seed: 9 },
    );
    for (const [name, variable] of plain.weights) withMhc.weights.get(name)!.assign(variable);
    const batch = toTensors(randomBatch([16, 6, 1], base.maxlen, base.numItems, base.timeSpan, 8));
    const [a, b] = [plain, withMhc].map((model) => model.features(batch));
    const worst = tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
    expect(worst).toBeLessThan(1e-5);
    tf.dispose([a, b]);
    disposeBatch(batch);
    plain.dispose();
    withMhc.dispose();
  });
});
