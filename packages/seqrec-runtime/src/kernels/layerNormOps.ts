/**
 * Fused LayerNorm kernels on wasm (assembly/layerNorm.ts): the forward pass in one kernel that
 * also returns what the backward pass needs (x-hat and 1/std), and the backward pass in one
 * kernel that gives dx, dgamma and dbeta. The tfjs-op form (@seqrec/layers layerNorm.ts) launches
 * about 10 kernels forward and 12 backward per LayerNorm, each a pass over [N, d]; a SASRec step
 * has 5 LayerNorms. They give the tfjs-op form's bits (assembly/layerNorm.ts), so seeded training
 * does not depend on which form ran. Callers check `layerNormKernelsActive()` and otherwise use
 * tfjs ops; they wire the gradient themselves (a tf.customGrad), so the kernels have no
 * registered gradients.
 *
 *   layerNormForward(x [N, d], gamma [d], beta [d], eps) -> y [N, d], xhat [N, d], rstd [N]
 *   layerNormBackward(dy [N, d], xhat [N, d], rstd [N], gamma [d]) -> dx [N, d], dgamma [d], dbeta [d]
 */
import { tf } from '../tf';
import { registerKernels, unregisterKernels } from './kernelRegistry';
import { heapOffset, requireFloat32, withHeapScratch } from './wasmBackendInternals';
import { kernelOnHeap } from './wasmKernelModule';

export const LAYER_NORM = 'SeqrecLayerNorm';
export const LAYER_NORM_GRAD = 'SeqrecLayerNormGrad';
const WHAT = 'seqrec LayerNorm kernels';

/** Exports of assembly/layerNorm.ts; pointers are heap byte offsets. */
interface LayerNormExports {
  forward(
    x: number,
    gamma: number,
    beta: number,
    y: number,
    xhat: number,
    rstd: number,
    n: number,
    d: number,
    eps: number,
  ): void;
  backward(
    dy: number,
    xhat: number,
    rstd: number,
    gamma: number,
    dx: number,
    dgamma: number,
    dbeta: number,
    n: number,
    d: number,
    scratch: number,
  ): void;
}

const wasmForward: tf.KernelFunc = ({ inputs, attrs, backend }) => {
  const { x, gamma, beta } = inputs as Record<'x' | 'gamma' | 'beta', tf.TensorInfo>;
  requireFloat32('layerNormForward', { x, gamma, beta });
  const { eps } = attrs as unknown as { eps: number };
  const [n, d] = x.shape;
  const { internals, kernel } = kernelOnHeap<LayerNormExports>('layerNorm', WHAT, backend as tf.KernelBackend);
  const y = internals.makeOutput([n, d], 'float32');
  const xhat = internals.makeOutput([n, d], 'float32');
  const rstd = internals.makeOutput([n], 'float32');
  const off = (t: tf.TensorInfo) => heapOffset(internals, t);
  if (n * d > 0) kernel.forward(off(x), off(gamma), off(beta), off(y), off(xhat), off(rstd), n, d, eps);
  return [y, xhat, rstd];
};

const wasmBackward: tf.KernelFunc = ({ inputs, backend }) => {
  const { dy, xhat, rstd, gamma } = inputs as Record<'dy' | 'xhat' | 'rstd' | 'gamma', tf.TensorInfo>;
  requireFloat32('layerNormBackward', { dy, xhat, rstd, gamma });
  const [n, d] = dy.shape;
  const { internals, kernel } = kernelOnHeap<LayerNormExports>('layerNorm', WHAT, backend as tf.KernelBackend);
  const dx = internals.makeOutput([n, d], 'float32');
  const dgamma = internals.makeOutput([d], 'float32');
  const dbeta = internals.makeOutput([d], 'float32');
  const off = (t: tf.TensorInfo) => heapOffset(internals, t);
  // With no rows the kernel still zeroes dgamma and dbeta.
  withHeapScratch(internals, Math.max(8 * d, 8), 'layerNormBackward', (scratch) =>
    kernel.backward(off(dy), off(xhat), off(rstd), off(gamma), off(dx), off(dgamma), off(dbeta), n, d, scratch),
  );
  return [dx, dgamma, dbeta];
};

/** Removes the kernels from wasm (LayerNorm then runs as tfjs ops). */
export function deactivateWasmLayerNorm(): void {
  unregisterKernels('wasm', [LAYER_NORM, LAYER_NORM_GRAD]);
}

/**
 * Registers the kernels when their module instantiates on this wasm backend's heap; otherwise
 * removes them and returns why (LayerNorm then runs as tfjs ops).
 */
export function activateWasmLayerNorm(backend: tf.KernelBackend): string | null {
  try {
    kernelOnHeap<LayerNormExports>('layerNorm', WHAT, backend);
  } catch (error) {
    deactivateWasmLayerNorm();
    return `LayerNorm: using tfjs ops because ${(error as Error).message}`;
  }
  registerKernels('wasm', [
    [LAYER_NORM, wasmForward],
    [LAYER_NORM_GRAD, wasmBackward],
  ]);
  return null;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((size, i) => size === b[i]);
}

/** True when the active backend has the fused LayerNorm kernels. */
export function layerNormKernelsActive(): boolean {
  return tf.getKernel(LAYER_NORM, tf.getBackend()) !== undefined;
}

/** x [N, d], gamma [d], beta [d] -> y [N, d], xhat [N, d], rstd [N] (1 / sqrt(biased var + eps)). */
export function layerNormForward(
  x: tf.Tensor2D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  eps: number,
): [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D] {
  const d = x.shape[1];
  if (x.rank !== 2 || !sameShape(gamma.shape, [d]) || !sameShape(beta.shape, [d]))
    throw new Error(
      `layerNormForward: x must be [N, d] with gamma and beta [d], got [${x.shape}], [${gamma.shape}], [${beta.shape}]`,
    );
  const attrs = { eps };
  return tf.engine().runKernel(LAYER_NORM, { x, gamma, beta }, attrs as unknown as tf.NamedAttrMap) as unknown as [
    tf.Tensor2D,
    tf.Tensor2D,
    tf.Tensor1D,
  ];
}

/** dy [N, d] and the forward's xhat, rstd, gamma -> dx [N, d], dgamma [d], dbeta [d]. */
export function layerNormBackward(
  dy: tf.Tensor2D,
  xhat: tf.Tensor2D,
  rstd: tf.Tensor1D,
  gamma: tf.Tensor1D,
): [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D] {
  const [n, d] = dy.shape;
  if (dy.rank !== 2 || !sameShape(xhat.shape, dy.shape) || !sameShape(rstd.shape, [n]) || !sameShape(gamma.shape, [d]))
    throw new Error(
      `layerNormBackward: dy and xhat must be [N, d], rstd [N] and gamma [d], got [${dy.shape}], [${xhat.shape}], [${rstd.shape}], [${gamma.shape}]`,
    );
  return tf.engine().runKernel(LAYER_NORM_GRAD, { dy, xhat, rstd, gamma }, {}) as unknown as [
    tf.Tensor2D,
    tf.Tensor1D,
    tf.Tensor1D,
  ];
}
