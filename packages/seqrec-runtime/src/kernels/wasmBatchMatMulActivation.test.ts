import { initBackend } from '../selectBackend';
import { tf } from '../tf';
import { type BatchMatMulExports, makeWasmBatchMatMul } from './batchMatMulWasm';
import { selfTestRawKernel } from './batchMatMulSelfTest';
import { WASM_BATCH_MATMUL, activateWasmBatchMatMul, stockWasmBatchMatMul } from './wasmBatchMatMulActivation';
import { type WasmBackendInternals, heapF32, heapMemory, wasmInternals } from './wasmBackendInternals';
import { BUILD_ADVICE, KernelNotBuiltError, instantiateKernel } from './wasmKernelModule';

function internals(): WasmBackendInternals {
  const found = wasmInternals(tf.backend());
  if (typeof found === 'string') throw new Error(found);
  return found;
}

function builtKernel(): BatchMatMulExports {
  const memory = heapMemory(internals());
  if (memory === null) throw new Error('no heap memory');
  return instantiateKernel<BatchMatMulExports>('batchMatMul', memory);
}

function registeredIsStock(): boolean {
  return tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc === stockWasmBatchMatMul()?.kernelFunc;
}

describe('wasm BatchMatMul activation and fallbacks', () => {
  beforeEach(async () => {
    await initBackend({ backend: 'wasm' });
  });

  afterAll(async () => {
    // Leave the real kernel registered for whatever runs next in this worker.
    await initBackend({ backend: 'wasm' });
    activateWasmBatchMatMul(tf.backend(), builtKernel);
    await initBackend({ backend: 'cpu' });
  });

  it('finds the tfjs-wasm heap internals it relies on', () => {
    const found = internals();
    expect(heapMemory(found)?.buffer).toBe(found.wasm.HEAPU8.buffer);
  });

  it('says how to build when a kernel binary is missing', () => {
    const memory = heapMemory(internals());
    expect(() => instantiateKernel('noSuchKernel', memory!)).toThrow(KernelNotBuiltError);
    expect(() => instantiateKernel('noSuchKernel', memory!)).toThrow(BUILD_ADVICE);
  });

  it('keeps the stock kernel and reports why when the kernel is not built', () => {
    const result = activateWasmBatchMatMul(tf.backend(), () => {
      throw new KernelNotBuiltError(`the batchMatMul WebAssembly kernel is not built; ${BUILD_ADVICE}`);
    });
    expect(result.active).toBeNull();
    expect(result.note).toContain('stock tfjs-wasm kernel');
    expect(result.note).toContain('npm run build:kernels');
    expect(registeredIsStock()).toBe(true);
    // The stock kernel still computes correct products.
    const c = tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([5, 6, 7, 8], [2, 2]));
    expect(Array.from(c.dataSync())).toEqual([19, 22, 43, 50]);
    c.dispose();
  });

  it('keeps the stock kernel when the self-test finds wrong results', () => {
    const real = builtKernel();
    const wrong: BatchMatMulExports = {
      scratchBytes: real.scratchBytes,
      batchMatMul: (...args) => {
        real.batchMatMul(...args);
        const [, , c] = args;
        heapF32(internals(), c, 1)[0] += 0.5;
      },
    };
    const result = activateWasmBatchMatMul(tf.backend(), () => wrong);
    expect(result.active).toBeNull();
    expect(result.note).toMatch(/self-test failed .*relative error/);
    expect(registeredIsStock()).toBe(true);
  });

  it('catches a kernel writing outside its output', () => {
    const real = builtKernel();
    const overrun: BatchMatMulExports = {
      scratchBytes: real.scratchBytes,
      batchMatMul: (a, b, c, batch, m, n, ...rest) => {
        real.batchMatMul(a, b, c, batch, m, n, ...rest);
        heapF32(internals(), c + batch * m * n * 4, 1)[0] = 0;
      },
    };
    expect(selfTestRawKernel(overrun, internals())).toMatch(/wrote past buffer 2/);
  });

  it('hands over to the stock kernel when the backend heap is not the one it was built for', () => {
    const stock = stockWasmBatchMatMul()!.kernelFunc;
    const stockSpy = jest.fn(stock);
    const kernelFunc = makeWasmBatchMatMul(builtKernel(), { buffer: new ArrayBuffer(8) }, stockSpy);
    const a = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const out = kernelFunc({
      inputs: { a, b: a },
      attrs: { transposeA: false, transposeB: false },
      backend: tf.backend(),
    });
    expect(stockSpy).toHaveBeenCalledTimes(1);
    tf.dispose([a, tf.engine().makeTensorFromTensorInfo(out as tf.TensorInfo)]);
  });

  it('registers the built kernel when its self-tests pass', () => {
    const result = activateWasmBatchMatMul(tf.backend(), builtKernel);
    expect(result).toEqual({ active: WASM_BATCH_MATMUL, note: null });
    expect(registeredIsStock()).toBe(false);
  });
});
