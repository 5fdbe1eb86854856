/**
 * The losses beyond BCE (issue 13) against an independent computation: each loss written again
 * in plain float64 JavaScript, its gradient by central finite differences of that float64 loss
 * (no autodiff, no hand-derived formula), compared with tfjs's value and gradient. Then, through
 * a real model: packed rows give the loss and gradients of the same users one per row (padding
 * contributes nothing), and the settings are checked.
 */
import { initBackend, tf } from '@seqrec/runtime';
import { expectClose, largestDifference } from '@seqrec/test-utils';
import { createModel } from '../createModel';
import { disposeBatch, lcg, packUsers, randomBatch, toTensors } from '../test-utils/batches';
import { TEST_MODEL } from '../test-utils/variants';
import { fullCrossEntropyLoss } from './fullCrossEntropy';
import { gbceBeta, generalizedBceLoss } from './generalizedBce';
import { LOSSES, resolveLossConfig, type LossConfig } from './lossConfig';
import { sampledSoftmaxLoss } from './sampledSoftmax';
import { trainingLoss } from './trainingLoss';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

// M positions, d hidden, V items, N negatives; negatives[1] equals targets[2] (an accidental hit).
const [M, d, V] = [5, 4, 7];
const random = lcg(13);
const FEATURES = Array.from({ length: M * d }, () => random() * 2 - 1);
const TABLE = Array.from({ length: (V + 1) * d }, (_, i) => (i < d ? 0 : random() * 2 - 1));
const TARGETS = [3, 1, 6, 7, 3];
const NEGATIVES = [2, 6, 5, 2];
const LOG_Q = Array.from({ length: V + 1 }, (_, i) => (i === 0 ? 0 : Math.log((i + 1) / 35)));

type Loss64 = (features: number[], table: number[]) => number;
const dot = (f: number[], m: number, t: number[], item: number) => {
  let s = 0;
  for (let k = 0; k < d; k++) s += (f[m * d + k] as number) * (t[item * d + k] as number);
  return s;
};
const logSumExp = (xs: number[]) => {
  const top = Math.max(...xs);
  return top + Math.log(xs.reduce((s, x) => s + Math.exp(x - top), 0));
};

const ce64: Loss64 = (f, t) => {
  let sum = 0;
  for (let m = 0; m < M; m++) {
    const logits = Array.from({ length: V }, (_, c) => dot(f, m, t, c + 1));
    sum += logSumExp(logits) - dot(f, m, t, TARGETS[m] as number);
  }
  return sum / M;
};
const sampledSoftmax64 =
  (logQ: number[] | null): Loss64 =>
  (f, t) => {
    const q = (item: number) => (logQ === null ? 0 : (logQ[item] as number));
    let sum = 0;
    for (let m = 0; m < M; m++) {
      const target = TARGETS[m] as number;
      const positive = dot(f, m, t, target) - q(target);
      const negatives = NEGATIVES.filter((n) => n !== target).map((n) => dot(f, m, t, n) - q(n));
      sum += logSumExp([positive, ...negatives]) - positive;
    }
    return sum / M;
  };
// gbce's negatives, 3 per position; position 2's include its target 6 (an accidental hit), twice.
const POSITION_NEGATIVES = [
  [2, 6, 5],
  [4, 4, 7],
  [6, 1, 6],
  [3, 2, 5],
  [1, 7, 2],
];
const gbce64 =
  (beta: number): Loss64 =>
  (f, t) => {
    let sum = 0;
    for (let m = 0; m < M; m++) {
      const target = TARGETS[m] as number;
      const negatives = POSITION_NEGATIVES[m] as number[];
      let term = -beta * Math.log(1 / (1 + Math.exp(-dot(f, m, t, target))));
      for (const n of negatives) if (n !== target) term += -Math.log(1 - 1 / (1 + Math.exp(-dot(f, m, t, n))));
      sum += term / (negatives.length + 1);
    }
    return sum / M;
  };

/** Central differences of a float64 loss in every input entry. */
function numericGradient(loss: Loss64, f: number[], t: number[]): { features: number[]; table: number[] } {
  const h = 1e-6;
  const along = (xs: number[], eval_: (ys: number[]) => number) =>
    xs.map((x, i) => {
      const up = xs.slice();
      const down = xs.slice();
      up[i] = x + h;
      down[i] = x - h;
      return (eval_(up) - eval_(down)) / (2 * h);
    });
  return { features: along(f, (g) => loss(g, t)), table: along(t, (u) => loss(f, u)) };
}

/** tfjs's value and gradients of `loss(features, table)`. */
function tfjsGradient(loss: (features: tf.Tensor2D, table: tf.Tensor2D) => tf.Scalar) {
  const features = tf.tensor2d(FEATURES, [M, d]);
  const table = tf.tensor2d(TABLE, [V + 1, d]);
  const { value, grads } = tf.valueAndGrads((a: tf.Tensor, b: tf.Tensor) => loss(a as tf.Tensor2D, b as tf.Tensor2D))([
    features,
    table,
  ]);
  const out = {
    value: value.dataSync()[0] as number,
    features: Array.from(grads[0]!.dataSync()),
    table: Array.from(grads[1]!.dataSync()),
  };
  tf.dispose([features, table, value, ...grads]);
  return out;
}

function expectMatches(reference: Loss64, loss: (features: tf.Tensor2D, table: tf.Tensor2D) => tf.Scalar) {
  const before = tf.memory().numTensors;
  const got = tfjsGradient(loss);
  expect(tf.memory().numTensors).toBe(before);
  const want = numericGradient(reference, FEATURES, TABLE);
  expect(Math.abs(got.value - reference(FEATURES, TABLE))).toBeLessThan(1e-5);
  expectClose(got.features, want.features, 1e-4);
  expectClose(got.table, want.table, 1e-4);
  // The padding row (0) is never a class: no gradient reaches it.
  expect(largestDifference(got.table.slice(0, d), new Array(d).fill(0)).value).toBe(0);
  return { got, want };
}

const targets = () => tf.tensor1d(TARGETS, 'int32');
const negatives = () => tf.tensor1d(NEGATIVES, 'int32');

describe('gradients against float64 finite differences', () => {
  test.each([
    ['one chunk', undefined],
    ['chunks of 2 positions', 2 * V],
    ['chunks of 3 positions (the last one shorter)', 3 * V],
    ['chunks of 1 position', 1],
  ])('ce (%s)', (_label, chunkFloats) => {
    expectMatches(ce64, (f, t) => fullCrossEntropyLoss(f, targets(), t, chunkFloats));
  });

  test('sampled_softmax, uniform (no correction), the accidental hit left out', () => {
    expectMatches(sampledSoftmax64(null), (f, t) =>
      sampledSoftmaxLoss(f, targets(), t, { items: negatives(), logQ: null, targetLogQ: null }),
    );
  });

  test('sampled_softmax with the log-Q correction', () => {
    const { got } = expectMatches(sampledSoftmax64(LOG_Q), (f, t) =>
      sampledSoftmaxLoss(f, targets(), t, {
        items: negatives(),
        logQ: tf.tensor1d(NEGATIVES.map((n) => LOG_Q[n] as number)),
        targetLogQ: tf.tensor1d(TARGETS.map((n) => LOG_Q[n] as number)),
      }),
    );
    // Not vacuous: the correction changes the gradient beyond the tolerance.
    const uncorrected = numericGradient(sampledSoftmax64(null), FEATURES, TABLE);
    expect(largestDifference(got.features, uncorrected.features).value).toBeGreaterThan(1e-2);
  });

  const positionNegatives = () => tf.tensor2d(POSITION_NEGATIVES, [M, 3], 'int32');
  test.each([
    ['gather', 'one chunk', undefined],
    ['gather', 'chunks of 2 positions', 2 * 3 * d],
    ['gather', 'chunks of 1 position', 1],
    ['logits', 'one chunk', undefined],
    ['logits', 'chunks of 2 positions', 2 * (V + 1)],
    ['logits', 'chunks of 3 positions (the last one shorter)', 3 * (V + 1)],
  ] as const)('gbce with the beta of t = 0.75, per-position negatives (%s, %s)', (route, _label, chunkFloats) => {
    const beta = gbceBeta(3, V, 0.75);
    const { got } = expectMatches(gbce64(beta), (f, t) =>
      generalizedBceLoss(f, targets(), t, positionNegatives(), beta, { route, chunkFloats }),
    );
    const plain = numericGradient(gbce64(1), FEATURES, TABLE);
    expect(largestDifference(got.features, plain.features).value).toBeGreaterThan(1e-3);
  });
});

test('gbce: both routes agree with a float64 loss over many draws (the logits route sums logs of products in 32s)', () => {
  const [m, n, items, width] = [40, 9, 30, 4]; // 360 draws: many groups of 32, a partial last one
  const next = lcg(5);
  const f = Array.from({ length: m * width }, () => next() * 4 - 2);
  const t = Array.from({ length: (items + 1) * width }, (_, i) => (i < width ? 0 : next() * 4 - 2));
  const target = Array.from({ length: m }, () => 1 + Math.floor(next() * items));
  const drawn = Array.from({ length: m }, (_, r) =>
    Array.from({ length: n }, (_, j) => (j === 0 ? (target[r] as number) : 1 + Math.floor(next() * items))),
  );
  const beta = gbceBeta(n, items, 0.75);
  const dotOf = (r: number, item: number) => {
    let sum = 0;
    for (let k = 0; k < width; k++) sum += (f[r * width + k] as number) * (t[item * width + k] as number);
    return sum;
  };
  const softplus = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
  let want = 0;
  for (let r = 0; r < m; r++) {
    let term = beta * softplus(-dotOf(r, target[r] as number));
    for (const id of drawn[r] as number[]) if (id !== target[r]) term += softplus(dotOf(r, id));
    want += term / (n + 1);
  }
  want /= m;
  const run = (route: 'gather' | 'logits') => {
    const [features, table] = [tf.tensor2d(f, [m, width]), tf.tensor2d(t, [items + 1, width])];
    const [targetIds, negatives] = [tf.tensor1d(target, 'int32'), tf.tensor2d(drawn, [m, n], 'int32')];
    const { value, grads } = tf.valueAndGrads((a: tf.Tensor, b: tf.Tensor) =>
      generalizedBceLoss(a as tf.Tensor2D, targetIds, b as tf.Tensor2D, negatives, beta, { route }),
    )([features, table]);
    const out = { value: value.dataSync()[0] as number, grads: grads.flatMap((g) => Array.from(g.dataSync())) };
    tf.dispose([features, table, targetIds, negatives, value, ...grads]);
    return out;
  };
  const [logits, gather] = [run('logits'), run('gather')];
  expect(Math.abs(logits.value - want)).toBeLessThan(1e-5);
  expect(Math.abs(gather.value - want)).toBeLessThan(1e-5);
  expectClose(logits.grads, gather.grads, 1e-5);
});

test('gbceBeta: t = 0 is plain BCE (beta 1), t = 1 is alpha = N / (V - 1), linear in t between', () => {
  const [N, items] = [256, 1682];
  const alpha = N / (items - 1);
  expect(gbceBeta(N, items, 0)).toBeCloseTo(1, 12);
  expect(gbceBeta(N, items, 1)).toBeCloseTo(alpha, 12);
  expect(gbceBeta(N, items, 0.5)).toBeCloseTo((1 + alpha) / 2, 12);
});

describe('through a model: packed rows and padding', () => {
  const base = { ...TEST_MODEL, kind: 'sasrec' as const, mhc: null, dropoutRate: 0 };
  const LENGTHS = [5, 2, 7, 9, 3, 16];
  const ROWS = [[2, 3], [0, 1, 4], [5]];
  const alone = randomBatch(LENGTHS, base.maxlen, base.numItems, base.timeSpan, 21);
  const packed = packUsers(alone, ROWS, base.maxlen);
  const configs: LossConfig[] = [
    resolveLossConfig({ loss: 'ce' }),
    resolveLossConfig({ loss: 'sampled_softmax', numNegatives: 6 }),
    resolveLossConfig({ loss: 'sampled_softmax', numNegatives: 6, negativeSampling: 'popularity' }),
    resolveLossConfig({ loss: 'gbce', numNegatives: 6 }),
  ];

  test.each(configs.map((c) => [`${c.loss} ${c.negativeSampling}`, c] as const))(
    '%s: a packed batch has the loss and gradients of the same users one per row',
    (_label, config) => {
      const model = createModel({ ...base }, { seed: 8 });
      const variables = [...model.weights.values()];
      const shared = {
        negatives: tf.tensor1d([4, 9, 17, 22, 9, 30], 'int32'),
        negativeLogQ: config.negativeSampling === 'popularity' ? tf.tensor1d([-3, -2, -4, -1, -2, -5]) : null,
      };
      const logQOfTargets = (pos: number[][]) =>
        config.negativeSampling === 'popularity'
          ? tf.tensor2d(pos.map((row) => row.map((id) => (id === 0 ? 0 : -Math.log(id + 1)))))
          : null;
      // gbce's negatives are per position: a function of the position's target, so that a user's
      // positions get the same ones in both layouts.
      const perPosition = (pos: number[][]) =>
        tf.tensor3d(
          pos.map((row) =>
            row.map((id) =>
              Array.from({ length: 6 }, (_, j) => (id === 0 ? 0 : 1 + ((id * 7 + j * 13) % base.numItems))),
            ),
          ),
          undefined,
          'int32',
        );
      const run = (tensors: ReturnType<typeof toTensors> & { segments?: tf.Tensor2D }, pos: number[][]) => {
        const targetLogQ = logQOfTargets(pos);
        const own = config.loss === 'gbce' ? perPosition(pos) : null;
        const batch = { ...tensors, ...shared, targetLogQ, ...(own === null ? {} : { negatives: own }) };
        const before = tf.memory().numTensors;
        const { value, grads } = tf.variableGrads(() => trainingLoss(model, batch, config), variables);
        const flat = variables.flatMap((v) => Array.from(grads[v.name]!.dataSync()));
        const loss = value.dataSync()[0] as number;
        tf.dispose([value, ...Object.values(grads)]);
        expect(tf.memory().numTensors).toBe(before);
        targetLogQ?.dispose();
        own?.dispose();
        return { loss, flat };
      };
      const aloneTensors = toTensors(alone);
      const packedTensors = { ...toTensors(packed), segments: tf.tensor2d(packed.segments, undefined, 'int32') };
      const a = run(aloneTensors, alone.pos);
      const b = run(packedTensors, packed.pos);
      expect(Number.isFinite(a.loss)).toBe(true);
      expect(Math.abs(a.loss - b.loss)).toBeLessThan(1e-5);
      expectClose(a.flat, b.flat, 1e-5);
      // Not vacuous: another loss on the same batch gives other gradients.
      const bce = tf.variableGrads(() => model.loss(aloneTensors), variables);
      const bceFlat = variables.flatMap((v) => Array.from(bce.grads[v.name]!.dataSync()));
      tf.dispose([bce.value, ...Object.values(bce.grads)]);
      expect(largestDifference(a.flat, bceFlat).value).toBeGreaterThan(1e-3);
      tf.dispose([shared.negatives, ...(shared.negativeLogQ ? [shared.negativeLogQ] : []), packedTensors.segments]);
      disposeBatch(aloneTensors);
      disposeBatch(packedTensors);
      model.dispose();
    },
  );

  test('bce through trainingLoss is the model loss of the spec', () => {
    const model = createModel({ ...base }, { seed: 9 });
    const tensors = toTensors(alone);
    const [a, b] = [trainingLoss(model, tensors, resolveLossConfig()), model.loss(tensors)];
    expect(a.dataSync()[0]).toBe(b.dataSync()[0]);
    tf.dispose([a, b]);
    disposeBatch(tensors);
    model.dispose();
  });
});

describe('resolveLossConfig', () => {
  test('defaults: bce, and every loss resolves', () => {
    expect(resolveLossConfig().loss).toBe('bce');
    for (const loss of LOSSES) expect(resolveLossConfig({ loss }).loss).toBe(loss);
  });
  test.each([
    [{ loss: 'softmax' }, /loss must be one of/],
    [{ loss: 'bce', numNegatives: 8 }, /numNegatives applies to loss sampled_softmax \/ gbce, not to 'bce'/],
    [{ loss: 'gbce', negativeSampling: 'popularity' }, /negativeSampling applies to loss sampled_softmax/],
    [{ loss: 'ce', gbceT: 0.5 }, /gbceT applies to loss gbce/],
    [{ loss: 'gbce', gbceT: 1.5 }, /gbceT must be a number in \[0, 1\]/],
    [{ loss: 'sampled_softmax', numNegatives: 0 }, /numNegatives must be an integer/],
  ])('%j is refused', (partial, message) => {
    expect(() => resolveLossConfig(partial as Partial<LossConfig>)).toThrow(message);
  });
  test('ce above its catalogue limit names sampled_softmax; gbce needs N < V', () => {
    expect(() => resolveLossConfig({ loss: 'ce' }, 1000000)).toThrow(/sampled_softmax/);
    expect(() => resolveLossConfig({ loss: 'gbce', numNegatives: 300 }, 100)).toThrow(/numNegatives/);
    expect(resolveLossConfig({ loss: 'sampled_softmax' }, 1000000).loss).toBe('sampled_softmax');
  });
});
