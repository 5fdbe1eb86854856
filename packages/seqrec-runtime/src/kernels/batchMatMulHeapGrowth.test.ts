import { expectClose } from '@seqrec/test-utils';
import { initBackend } from '../selectBackend';
import { tf } from '../tf';
import { onBackend, seededValues } from './test-utils/backends';
import { wasmInternals } from './wasmBackendInternals';

// Its own file: a fresh tfjs (and wasm heap) per jest test file, so this product must grow it.
describe('wasm BatchMatMul when the output makes the tfjs heap grow', () => {
  afterAll(async () => {
    await initBackend({ backend: 'cpu' });
  });

  it('computes the same product as cpu across the growth', async () => {
    const [m, k, n] = [3000, 40, 2000];
    const a = seededValues(m * k, 31);
    const b = seededValues(k * n, 32);
    const run = (): tf.Tensor => tf.matMul(tf.tensor2d(a, [m, k]), tf.tensor2d(b, [n, k]), false, true);
    await initBackend({ backend: 'wasm' });
    const internals = wasmInternals(tf.backend());
    if (typeof internals === 'string') throw new Error(internals);
    const heapBefore = internals.wasm.HEAPU8.buffer.byteLength;
    const [wasm] = await onBackend('wasm', run);
    expect(internals.wasm.HEAPU8.buffer.byteLength).toBeGreaterThan(heapBefore);
    const [cpu] = await onBackend('cpu', run);
    expectClose(wasm, cpu, 1e-4, { relative: true });
  });
});
