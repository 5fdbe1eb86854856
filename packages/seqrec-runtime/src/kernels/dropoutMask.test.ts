/**
 * dropoutMask: the wasm SIMD kernel draws the same bits as the TypeScript loop (which cpu runs),
 * for row counts around its 4-row groups, odd row sizes, row offsets and seeds past int32; and a
 * mask keeps about 1 - rate of its entries, scaled by 1 / (1 - rate).
 */
import { initBackend } from '../selectBackend';
import { tf } from '../tf';
import { DROPOUT_MASK, dropoutMask } from './dropoutMask';

const CASES: Array<{ shape: number[]; rate: number; seed: number; perRow?: boolean; rowOffset?: number }> = [
  { shape: [1, 1], rate: 0.5, seed: 1, perRow: true },
  { shape: [3, 5], rate: 0.2, seed: 7, perRow: true },
  { shape: [4, 8], rate: 0.2, seed: 7, perRow: true },
  { shape: [5, 2, 3, 3], rate: 0.5, seed: -3, perRow: true, rowOffset: 11 },
  { shape: [9, 13], rate: 0.1, seed: 2 ** 31 + 5, perRow: true, rowOffset: 2 ** 31 - 2 },
  { shape: [128, 2, 20, 20], rate: 0.2, seed: 42, perRow: true, rowOffset: 64 },
  { shape: [1000], rate: 0.2, seed: 42 },
  { shape: [201, 50], rate: 0.3, seed: 9 },
];

/** The mask the TypeScript loop draws: the wasm kernel unregistered for the call. */
function typescriptMask(c: (typeof CASES)[number]): Float32Array {
  const kernel = tf.getKernel(DROPOUT_MASK, 'wasm');
  if (kernel === undefined) throw new Error('the wasm dropout-mask kernel is not registered');
  tf.unregisterKernel(DROPOUT_MASK, 'wasm');
  try {
    const mask = dropoutMask(c.shape, c.rate, c.seed, c);
    const values = mask.dataSync() as Float32Array;
    mask.dispose();
    return values;
  } finally {
    tf.registerKernel(kernel);
  }
}

describe('dropoutMask', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it.each(CASES.map((c) => [JSON.stringify(c), c] as const))('wasm kernel = TypeScript draws for %s', (_, c) => {
    const want = typescriptMask(c);
    const mask = dropoutMask(c.shape, c.rate, c.seed, c);
    expect(mask.shape).toEqual(c.shape);
    expect(Array.from(mask.dataSync())).toEqual(Array.from(want));
    mask.dispose();
  });

  it('keeps about 1 - rate of a mask, at 1 / (1 - rate)', () => {
    const mask = dropoutMask([64, 1000], 0.2, 5, { perRow: true });
    const values = mask.dataSync();
    mask.dispose();
    expect(values.length).toBe(64000);
    const scale = Math.fround(1 / 0.8);
    expect(values.every((x) => x === 0 || x === scale)).toBe(true);
    const kept = values.filter((x) => x !== 0).length / values.length;
    expect(Math.abs(kept - 0.8)).toBeLessThan(0.01); // 64,000 draws: sd 0.0016
  });

  it('draws a row from its index in the whole batch (shards of a batch get its rows)', () => {
    tf.tidy(() => {
      const whole = dropoutMask([6, 7], 0.5, 3, { perRow: true }).dataSync();
      const shard = dropoutMask([2, 7], 0.5, 3, { perRow: true, rowOffset: 3 }).dataSync();
      expect(Array.from(shard)).toEqual(Array.from(whole.slice(21, 35)));
    });
  });

  it('keeps everything at rate 0, nothing at rate 1, handles empty shapes and refuses other rates', () => {
    tf.tidy(() => {
      expect(Array.from(dropoutMask([3, 5], 0, 1, { perRow: true }).dataSync())).toEqual(new Array(15).fill(1));
      expect(Array.from(dropoutMask([3, 5], 1, 1, { perRow: true }).dataSync())).toEqual(new Array(15).fill(0));
      expect(dropoutMask([0, 5], 0.2, 1, { perRow: true }).shape).toEqual([0, 5]);
      expect(dropoutMask([4, 0], 0.2, 1, { perRow: true }).size).toBe(0);
    });
    for (const rate of [1.5, -0.1, Number.NaN])
      expect(() => dropoutMask([2, 4], rate, 3, { perRow: true })).toThrow(/rate must be in \[0, 1\]/);
  });

  it('gives the same mask on cpu', async () => {
    const c = CASES[4];
    const mask = dropoutMask(c.shape, c.rate, c.seed, c);
    const onWasm = Array.from(mask.dataSync());
    mask.dispose();
    await initBackend({ backend: 'cpu' });
    try {
      const onCpu = dropoutMask(c.shape, c.rate, c.seed, c);
      expect(Array.from(onCpu.dataSync())).toEqual(onWasm);
      onCpu.dispose();
    } finally {
      await initBackend({ backend: 'wasm' });
    }
  });
});
