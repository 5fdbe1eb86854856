/**
 * gatherLowerTriangle / scatterLowerTriangle against tf.gather / tf.unsortedSegmentSum restricted
 * to the lower triangle, on both backends with kernels (cpu, wasm), with repeated and
 * out-of-range ids.
 */
import { type BackendName, initBackend } from '../selectBackend';
import { tf } from '../tf';
import {
  activateWasmLowerTriangle,
  HEAD_BUCKET_INDEX,
  gatherLowerTriangle,
  headBucketIndex,
  registerLowerTriangleKernels,
  scatterLowerTriangle,
} from './lowerTriangle';
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

  it('refuses values whose shape is not the index shape', () => {
    tf.tidy(() => {
      expect(() => scatterLowerTriangle(tf.ones([1, 2, 2]), tf.zeros([2, 2, 2], 'int32'), 1)).toThrow(
        /scatterLowerTriangle: values and index/,
      );
    });
  });

  it('handles an empty index, and a source of another dtype', () => {
    tf.tidy(() => {
      const empty = tf.zeros([0, 3, 3], 'int32');
      expect(gatherLowerTriangle(tf.ones([4]) as tf.Tensor1D, empty).shape).toEqual([0, 3, 3]);
      expect(Array.from(scatterLowerTriangle(tf.zeros([0, 3, 3]), empty, 2).dataSync())).toEqual([0, 0]);
      const index = tf.tensor([1, 0, 2, 3], [2, 2], 'int32');
      const source = tf.tensor1d([5, 6, 7, 8], 'int32');
      expect(Array.from(gatherLowerTriangle(source, index).dataSync())).toEqual([6, 0, 7, 8]);
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

describe('lower-triangle kernels on wasm: AssemblyScript and TypeScript', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  /** Runs `f` with the TypeScript kernels registered on wasm, then the AssemblyScript ones again. */
  function withTypescriptKernels<T>(f: () => T): T {
    registerLowerTriangleKernels('wasm', true);
    try {
      return f();
    } finally {
      expect(activateWasmLowerTriangle(tf.backend())).toBeNull();
    }
  }

  it.each([
    [[2, 3, 7, 7], 40],
    [[1, 1, 1], 3],
    [[5, 13, 13], 300],
  ])('give the same bits for index %j into %i cells (scatter-add order included)', (shape, count) => {
    const size = tf.util.sizeFromShape(shape);
    const index = tf.tensor(Int32Array.from(seededValues(size, 5, 0, count), Math.floor), shape, 'int32');
    const source = tf.tensor1d(seededValues(count, 6));
    const values = tf.tensor(seededValues(size, 7), shape);
    const run = () =>
      [gatherLowerTriangle(source, index), scatterLowerTriangle(values, index, count)].map((t) => {
        const data = Array.from(t.dataSync());
        t.dispose();
        return data;
      });
    const typescript = withTypescriptKernels(run);
    expect(run()).toEqual(typescript);
    tf.dispose([index, source, values]);
  });
});

describe.each(['cpu', 'wasm'] as BackendName[])('headBucketIndex on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });

  it('indexes each head and row of the [h, B, T, buckets] table, intervals clamped', () => {
    const [B, T, h, buckets] = [3, 5, 2, 4];
    const intervals = Int32Array.from(seededValues(B * T * T, 8, -2, buckets + 3), Math.floor);
    const rel = tf.tensor3d(intervals, [B, T, T], 'int32');
    const got = headBucketIndex(rel, h, buckets);
    expect(got.shape).toEqual([B, h, T, T]);
    const values = got.dataSync();
    for (let b = 0; b < B; b++)
      for (let head = 0; head < h; head++)
        for (let i = 0; i < T; i++)
          for (let j = 0; j < T; j++) {
            const interval = Math.min(Math.max(intervals[(b * T + i) * T + j], 0), buckets - 1);
            expect(values[((b * h + head) * T + i) * T + j]).toBe(((head * B + b) * T + i) * buckets + interval);
          }
    expect(tf.getKernel(HEAD_BUCKET_INDEX, backend) !== undefined).toBe(backend === 'wasm');
    tf.dispose([rel, got]);
  });
});
