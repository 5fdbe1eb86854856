/**
 * causalScores / causalWeightedValues against the dense products they replace, on wasm (where the
 * kernel skips the tiles above the diagonal) and cpu: bit-identical attention output at every query
 * with a key, and bit-identical gradients, with left and right padding, packed users in one row,
 * attention dropout, a second score term (TiSASRec's), and windows that are not multiples of the
 * 4 x 8 tile or are longer than the kernel's k block (256).
 */
import { type BackendName, TRIANGLE, initBackend, tf, triangularMatMul } from '@seqrec/runtime';
import { attentionBias } from './causalSelfAttention';
import { causalScores, causalWeightedValues } from './causalProducts';
import { dropoutMask } from './dropout';
import { maskedSoftmax, maskedSoftmaxDropout } from './maskedSoftmax';

const B = 3;
const H = 2;
const DH = 5;

/** Row 0 left-padded (one user), row 1 full, row 2 two packed users then right padding. */
function rows(T: number): { seq: number[][]; segments: number[][] } {
  const id = (t: number): number => 1 + (t % 9);
  const third = Math.floor(T / 3);
  return {
    seq: [
      Array.from({ length: T }, (_, t) => (t < third ? 0 : id(t))),
      Array.from({ length: T }, (_, t) => id(t)),
      Array.from({ length: T }, (_, t) => (t < 2 * third ? id(t) : 0)),
    ],
    segments: [Array(T).fill(0), Array(T).fill(0), Array.from({ length: T }, (_, t) => (t < third ? 0 : 1))],
  };
}

/**
 * The attention output [B, h, T, dh] zeroed at padding queries (as the block's `X * mask`), its
 * loss and the loss's gradients in q, k, v and the second score term.
 */
function attention(useCausal: boolean, T: number, withDropout: boolean): tf.Tensor[] {
  const { seq, segments } = rows(T);
  const bias = attentionBias(tf.tensor2d(seq, [B, T], 'int32'), tf.tensor2d(segments, [B, T], 'int32'));
  const queryMask = tf.tensor4d(
    seq.flat().map((id) => (id === 0 ? 0 : 1)),
    [B, 1, T, 1],
  );
  const weight = tf.randomUniform([B, H, T, DH], 0.5, 1.5, 'float32', 3);
  const dropout = withDropout ? dropoutMask([B, H, T, T], 0.2, 7, { perRow: true }) : null;
  const inputs = [
    tf.randomNormal([B, H, T, DH], 0, 1, 'float32', 1), // q
    tf.randomNormal([B, H, T, DH], 0, 1, 'float32', 2), // k
    tf.randomNormal([B, H, T, DH], 0, 1, 'float32', 4), // v
    tf.randomNormal([B, H, T, T], 0, 1, 'float32', 5), // second score term
  ];
  const f = (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, extra: tf.Tensor): tf.Tensor => {
    const scores = useCausal
      ? causalScores(q as tf.Tensor4D, k as tf.Tensor4D)
      : tf.matMul(q as tf.Tensor4D, k as tf.Tensor4D, false, true);
    const weights = (
      dropout === null ? maskedSoftmax(scores, extra, bias) : maskedSoftmaxDropout(scores, extra, bias, dropout)
    ) as tf.Tensor4D;
    const out = useCausal ? causalWeightedValues(weights, v as tf.Tensor4D) : tf.matMul(weights, v as tf.Tensor4D);
    return tf.mul(out, queryMask);
  };
  const { value, grads } = tf.valueAndGrads((q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, extra: tf.Tensor) =>
    tf.sum(tf.mul(tf.square(f(q, k, v, extra)), weight)),
  )(inputs);
  return [f(inputs[0], inputs[1], inputs[2], inputs[3]), value, ...grads];
}

describe.each(['wasm', 'cpu'] as BackendName[])('causal attention products on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });

  it.each([
    [13, false],
    [13, true],
    [270, true],
  ])(
    'give the dense products’ output and gradients bit for bit (T %i, dropout %s), leaking nothing',
    (T, withDropout) => {
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        const mine = attention(true, T, withDropout);
        const dense = attention(false, T, withDropout);
        // +0 and -0 may differ where the dense product added a zero term: compare values.
        mine.forEach((t, i) =>
          expect(Array.from(t.dataSync(), (x) => x + 0)).toEqual(Array.from(dense[i].dataSync(), (x) => x + 0)),
        );
      });
      expect(tf.memory().numTensors).toBe(before);
    },
  );

  it('skip the tiles above the diagonal on wasm only', () => {
    tf.tidy(() => {
      const T = 13;
      const q = tf.randomNormal([1, 1, T, DH], 0, 1, 'float32', 5);
      const k = tf.randomNormal([1, 1, T, DH], 0, 1, 'float32', 6);
      // Row 0's 4 x 8 tile at columns 8..12 lies wholly above the diagonal.
      const corner = triangularMatMul(q, k, false, true, TRIANGLE.lowerOutput).dataSync()[T - 1];
      const dense = tf.matMul(q, k, false, true).dataSync()[T - 1];
      expect(dense).not.toBe(0);
      expect(corner).toBe(backend === 'wasm' ? 0 : dense);
    });
  });

  it('ignore the hint where a batch is folded into one tall product', () => {
    tf.tidy(() => {
      // [2, 4, 8] x [8, 1] runs as one [8, 8] x [8, 1] product: square, but not a triangle.
      const a = tf.linalg.bandPart(tf.ones([2, 4, 8]), 0, -1);
      const b = tf.ones([8, 1]);
      const dense = Array.from(tf.matMul(a, b).dataSync());
      expect(Array.from(triangularMatMul(a, b, false, false, TRIANGLE.upperA).dataSync())).toEqual(dense);
    });
  });
});
