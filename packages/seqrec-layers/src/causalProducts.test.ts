/**
 * causalScores / causalWeightedValues against the dense products they replace, on wasm (where the
 * kernel skips the tiles above the diagonal) and cpu: the same attention output at every query
 * with a key, and the same gradients, with padding (left and right), packed users in one row,
 * dropout-free masked softmax, and a window that is not a multiple of the 4 x 8 tile.
 */
import { type BackendName, TRIANGLE, initBackend, tf, triangularMatMul } from '@seqrec/runtime';
import { expectClose } from '@seqrec/test-utils';
import { attentionBias } from './causalSelfAttention';
import { causalScores, causalWeightedValues } from './causalProducts';
import { maskedSoftmax } from './maskedSoftmax';

const B = 3;
const H = 2;
const T = 13;
const DH = 5;
// Row 0 left-padded (one user), row 1 full, row 2 two packed users and right padding.
const SEQ = [
  [0, 0, 0, 0, 3, 4, 5, 6, 7, 8, 9, 1, 2],
  [1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 2, 3, 4],
  [5, 6, 7, 8, 9, 1, 2, 3, 4, 0, 0, 0, 0],
];
const SEGMENTS = [
  [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
  [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
  [0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2],
];

/** The attention output [B, h, T, dh] zeroed at padding queries (as the block's `X * mask`), and its sum's gradients. */
function attention(useCausal: boolean, q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D): tf.Tensor[] {
  const bias = attentionBias(tf.tensor2d(SEQ, [B, T], 'int32'), tf.tensor2d(SEGMENTS, [B, T], 'int32'));
  const queryMask = tf.tensor4d(
    SEQ.flat().map((id) => (id === 0 ? 0 : 1)),
    [B, 1, T, 1],
  );
  const weight = tf.randomUniform([B, H, T, DH], 0.5, 1.5, 'float32', 3);
  const f = (qs: tf.Tensor, ks: tf.Tensor, vs: tf.Tensor): tf.Tensor => {
    const scores = useCausal
      ? causalScores(qs as tf.Tensor4D, ks as tf.Tensor4D)
      : tf.matMul(qs as tf.Tensor4D, ks as tf.Tensor4D, false, true);
    const weights = maskedSoftmax(scores, null, bias) as tf.Tensor4D;
    const out = useCausal ? causalWeightedValues(weights, vs as tf.Tensor4D) : tf.matMul(weights, vs as tf.Tensor4D);
    return tf.mul(out, queryMask);
  };
  const { value, grads } = tf.valueAndGrads((qs: tf.Tensor, ks: tf.Tensor, vs: tf.Tensor) =>
    tf.sum(tf.mul(tf.square(f(qs, ks, vs)), weight)),
  )([q, k, v]);
  return [f(q, k, v), value, ...grads];
}

describe.each(['wasm', 'cpu'] as BackendName[])('causal attention products on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });

  it('give the dense products’ output and gradients, and leak nothing', () => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const q = tf.randomNormal([B, H, T, DH], 0, 1, 'float32', 1) as tf.Tensor4D;
      const k = tf.randomNormal([B, H, T, DH], 0, 1, 'float32', 2) as tf.Tensor4D;
      const v = tf.randomNormal([B, H, T, DH], 0, 1, 'float32', 4) as tf.Tensor4D;
      const mine = attention(true, q, k, v);
      const dense = attention(false, q, k, v);
      mine.forEach((t, i) => expectClose(t.dataSync(), dense[i].dataSync(), 1e-6));
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('skip the tiles above the diagonal on wasm only', () => {
    tf.tidy(() => {
      const q = tf.randomNormal([1, 1, T, DH], 0, 1, 'float32', 5);
      const k = tf.randomNormal([1, 1, T, DH], 0, 1, 'float32', 6);
      // Row 0's 4 x 8 tile at columns 8..12 lies wholly above the diagonal.
      const corner = triangularMatMul(q, k, false, true, TRIANGLE.lowerOutput).dataSync()[T - 1];
      const dense = tf.matMul(q, k, false, true).dataSync()[T - 1];
      expect(dense).not.toBe(0);
      expect(corner).toBe(backend === 'wasm' ? 0 : dense);
    });
  });
});
