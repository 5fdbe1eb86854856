/**
 * Packing several users into one row (SequenceBatch.segments, the trainer's default `packed`
 * batching) is exact: block-diagonal attention and per-user positions give each user the
 * features, loss and gradients it has in a row of its own, for every variant.
 */
import { initBackend, tf } from '@seqrec/runtime';
import { expectClose, largestDifference } from '@seqrec/test-utils';
import { createModel } from './createModel';
import { disposeBatch, packUsers, randomBatch, toTensors } from './test-utils/batches';
import { TEST_MODEL, VARIANTS } from './test-utils/variants';

const base = TEST_MODEL;

// Users of lengths 5, 2, 7, 9, 3, 16 (one at the full window), packed as [7 | 9], [5, 2, 3], [16].
const LENGTHS = [5, 2, 7, 9, 3, 16];
const ROWS = [[2, 3], [0, 1, 4], [5]];

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

/** Each user's [n, d] real-position features, in user order. */
function featuresByUser(features: tf.Tensor3D, seq: number[][], owner: (row: number, column: number) => number) {
  const values = features.arraySync();
  const byUser = new Map<number, number[]>();
  seq.forEach((row, r) =>
    row.forEach((id, t) => {
      if (id === 0) return;
      const user = owner(r, t);
      byUser.set(user, [...(byUser.get(user) ?? []), ...values[r][t]]);
    }),
  );
  return LENGTHS.map((_, user) => byUser.get(user) as number[]);
}

describe.each(VARIANTS)('%s', (_name, variant) => {
  const alone = randomBatch(LENGTHS, base.maxlen, base.numItems, base.timeSpan, 21);
  const packed = packUsers(alone, ROWS, base.maxlen);

  test('each packed user gets the features it has in a row of its own', () => {
    const model = createModel({ ...base, ...variant }, { seed: 7 });
    const aloneTensors = toTensors(alone);
    const packedTensors = { ...toTensors(packed), segments: tf.tensor2d(packed.segments, undefined, 'int32') };
    const a = model.features(aloneTensors);
    const b = model.features(packedTensors);
    const mine = featuresByUser(a, alone.seq, (row) => row);
    const theirs = featuresByUser(b, packed.seq, (row, t) => ROWS[row][packed.segments[row][t] - 1]);
    for (let user = 0; user < LENGTHS.length; user++) {
      expect(mine[user].length).toBe(LENGTHS[user] * base.hiddenUnits);
      expectClose(mine[user], theirs[user], 1e-5);
    }
    tf.dispose([a, b, packedTensors.segments]);
    disposeBatch(aloneTensors);
    disposeBatch(packedTensors);
    model.dispose();
  });

  test('a packed batch has the loss and gradients of the same users one per row', () => {
    const model = createModel({ ...base, ...variant }, { seed: 8 });
    const variables = [...model.weights.values()];
    const gradients = (tensors: ReturnType<typeof toTensors> & { segments?: tf.Tensor2D }) => {
      const { value, grads } = tf.variableGrads(() => model.loss(tensors), variables);
      const flat = variables.flatMap((v) => Array.from(grads[v.name].dataSync()));
      const loss = value.dataSync()[0];
      tf.dispose([value, ...Object.values(grads)]);
      return { loss, flat };
    };
    const aloneTensors = toTensors(alone);
    const packedTensors = { ...toTensors(packed), segments: tf.tensor2d(packed.segments, undefined, 'int32') };
    const [a, b] = [gradients(aloneTensors), gradients(packedTensors)];
    expect(Math.abs(a.loss - b.loss)).toBeLessThan(1e-5);
    expectClose(a.flat, b.flat, 1e-5);
    // Not vacuous: packing without the segments (one long user per row) computes something else.
    const merged = { ...toTensors(packed) };
    const c = gradients(merged);
    expect(largestDifference(a.flat, c.flat).value).toBeGreaterThan(1e-3);
    disposeBatch(aloneTensors);
    disposeBatch(packedTensors);
    disposeBatch(merged);
    packedTensors.segments.dispose();
    model.dispose();
  });
});
