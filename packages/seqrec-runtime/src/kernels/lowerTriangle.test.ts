/**
 * gatherLowerTriangle / scatterLowerTriangle against tf.gather / tf.unsortedSegmentSum restricted
 * to the lower triangle, on both backends with kernels (cpu, wasm), with repeated and
 * out-of-range ids.
 */
import { type BackendName, initBackend } from '../selectBackend';
import { tf } from '../tf';
import { gatherLowerTriangle, scatterLowerTriangle } from './lowerTriangle';
import { seededValues } from './test-utils/backends';

const SHAPE = [2, 3, 7, 7]; // [B, h, T, T]
const COUNT = 40;

/** 1 where j <= i, else 0, as [.., T, T] values. */
function lowerMask(shape: number[]): tf.Tensor {
  const T = shape[shape.length - 1];
  return tf.linalg.bandPart(tf.ones([T, T]), -1, 0).broadcastTo(shape);
}

describe.each(['cpu', 'wasm'] as BackendName[])('lower-triangle gather and scatter on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });

  const ids = (): tf.Tensor =>
    tf.tensor(Int32Array.from(seededValues(tf.util.sizeFromShape(SHAPE), 3, 0, COUNT), Math.floor), SHAPE, 'int32');

  it('gathers the lower triangle and zeroes the rest', () => {
    tf.tidy(() => {
      const source = tf.tensor1d(seededValues(COUNT, 1));
      const got = gatherLowerTriangle(source, ids());
      const want = tf.mul(tf.gather(source, ids()), lowerMask(SHAPE));
      // x * 0 is -0 for negative x: compare values.
      expect(Array.from(got.dataSync(), (x) => x + 0)).toEqual(Array.from(want.dataSync(), (x) => x + 0));
      expect(got.shape).toEqual(SHAPE);
    });
  });

  it('scatter-adds only the lower triangle, repeated ids summed', () => {
    tf.tidy(() => {
      const values = tf.tensor(seededValues(tf.util.sizeFromShape(SHAPE), 2), SHAPE);
      const got = scatterLowerTriangle(values, ids(), COUNT);
      const lower = tf.mul(values, lowerMask(SHAPE)).reshape([-1]);
      const want = tf.unsortedSegmentSum(lower, ids().reshape([-1]) as tf.Tensor1D, COUNT);
      const g = got.dataSync();
      Array.from(want.dataSync()).forEach((w, k) => expect(g[k]).toBeCloseTo(w, 5));
    });
  });

  it('names the bad index value', () => {
    tf.tidy(() => {
      const bad = tf.tensor([0, 0, 5, 0], [1, 2, 2], 'int32'); // 5 at [1, 0]: in the triangle
      expect(() => gatherLowerTriangle(tf.zeros([4]) as tf.Tensor1D, bad)).toThrow(/index value 5 is not in \[0, 3\]/);
      expect(() => scatterLowerTriangle(tf.zeros([1, 2, 2]), bad, 4)).toThrow(/index value 5 is not in \[0, 3\]/);
    });
  });
});
