/**
 * Fused mHC kernels (shared/spec/MODEL.md §mHC): one sublayer's stream arithmetic in two kernels
 * forward and two backward, where the tfjs-op form (@seqrec/layers ManifoldHyperConnection)
 * launches ~40 kernels over [N, n, d] tensors and runs Sinkhorn in JS. Letters: N tokens,
 * n streams, d features, w = 2n + n*n coefficient columns (Hpre | Hpost | Hres).
 *
 *   mhcCoefficients(x, phi, gates)  x [N, n*d], phi = [phi_pre | phi_post | phi_res] [n*d, w]
 *       -> h [N, w] (the coefficients of every token), hin [N, d] = sum_j Hpre[j] x[j], and x
 *          passed through (give that one to mhcMix: its gradient is then summed in-kernel).
 *          The projection q = x phi runs inside the kernel and its gradient (dx += dq phi^T,
 *          dphi = x^T dq) inside the gradient kernel: no [N, n*d] x [n*d, w] matmuls.
 *   mhcMix(x, f, h, mask)         -> X'[i] = mask * (sum_j Hres[i, j] x[j] + Hpost[i] f)   [N, n*d]
 *   mhcExpand(x) [N, d] -> [N, n*d], mhcMerge(X) [N, n*d] -> [N, d]   (each the other's gradient)
 *
 * Both are tfjs kernels with registered gradients (each one more kernel), so they compose with
 * autodiff like any op. Registered on the wasm backend only (assembly/mhc.ts via mhcWasm.ts);
 * callers check `mhcKernelsActive()` and otherwise use tfjs ops.
 */
import { tf } from '../tf';
import { registerKernels, unregisterKernels } from './kernelRegistry';
import {
  type MhcAttrs,
  wasmMhcCoefficients,
  wasmMhcCoefficientsGrad,
  wasmMhcExpand,
  wasmMhcMerge,
  wasmMhcMix,
  wasmMhcMixGrad,
} from './mhcWasm';

export const MHC_COEFFICIENTS = 'SeqrecMhcCoefficients';
export const MHC_COEFFICIENTS_GRAD = 'SeqrecMhcCoefficientsGrad';
export const MHC_MIX = 'SeqrecMhcMix';
export const MHC_MIX_GRAD = 'SeqrecMhcMixGrad';
export const MHC_EXPAND = 'SeqrecMhcExpand';
export const MHC_MERGE = 'SeqrecMhcMerge';

/** The gate parameters of one hyper-connection. */
export interface MhcGates {
  alphaPre: tf.Tensor; // []
  alphaPost: tf.Tensor; // []
  alphaRes: tf.Tensor; // []
  bPre: tf.Tensor; // [n]
  bPost: tf.Tensor; // [n]
  bRes: tf.Tensor; // [n, n]
}

/** True when the active backend has the fused mHC kernels. */
export function mhcKernelsActive(): boolean {
  return tf.getKernel(MHC_MIX, tf.getBackend()) !== undefined;
}

/**
 * x [N, n*d], phi [n*d, w] -> h [N, w], hin [N, d]. The RMS normalisation of x (over n*d, no
 * gain, `eps` inside the root) is folded in: xn phi = r * (x phi).
 */
export function mhcCoefficients(
  x: tf.Tensor2D,
  phi: tf.Tensor2D,
  gates: MhcGates,
  options: { n: number; sinkhornIters: number; eps: number },
): { h: tf.Tensor2D; hin: tf.Tensor2D; x: tf.Tensor2D } {
  const { n, sinkhornIters: iters, eps } = options;
  const attrs: MhcAttrs = { n, d: x.shape[1] / n, iters, eps };
  const { alphaPre, alphaPost, alphaRes, bPre, bPost, bRes } = gates;
  const [h, hin, r, xPassed, q] = tf
    .engine()
    .runKernel(
      MHC_COEFFICIENTS,
      { x, phi, alphaPre, alphaPost, alphaRes, bPre, bPost, bRes } as unknown as tf.NamedTensorMap,
      attrs as unknown as tf.NamedAttrMap,
    ) as tf.Tensor[];
  tf.dispose([r, q]); // kept by the tape for the gradient; nothing else reads them
  return { h: h as tf.Tensor2D, hin: hin as tf.Tensor2D, x: xPassed as tf.Tensor2D };
}

/**
 * x [N, n*d], f [N, d], h [N, w], mask [N] -> the updated streams [N, n*d] times each token's
 * mask value (the spec's X * mask after a block; ones where there is none). No gradient flows
 * to the mask.
 */
export function mhcMix(x: tf.Tensor2D, f: tf.Tensor2D, h: tf.Tensor2D, mask: tf.Tensor1D, n: number): tf.Tensor2D {
  const attrs: MhcAttrs = { n, d: f.shape[1], iters: 0, eps: 0 };
  const inputs = { x, f, h, mask } as unknown as tf.NamedTensorMap;
  return tf.engine().runKernel(MHC_MIX, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor2D;
}

/** x [N, d] -> n identical streams [N, n*d] (mHC's expand after the embedding). */
export function mhcExpand(x: tf.Tensor2D, n: number): tf.Tensor2D {
  const attrs: MhcAttrs = { n, d: x.shape[1], iters: 0, eps: 0 };
  return tf.engine().runKernel(MHC_EXPAND, { x }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor2D;
}

/** streams [N, n*d] -> their sum [N, d] (mHC's merge before the final LayerNorm). */
export function mhcMerge(x: tf.Tensor2D, n: number): tf.Tensor2D {
  const attrs: MhcAttrs = { n, d: x.shape[1] / n, iters: 0, eps: 0 };
  return tf.engine().runKernel(MHC_MERGE, { x }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor2D;
}

const GATE_INPUTS = ['alphaPre', 'alphaPost', 'alphaRes', 'bPre', 'bPost', 'bRes'] as const;

function run(kernelName: string, inputs: Record<string, tf.Tensor>, attrs: tf.NamedAttrMap): tf.Tensor[] {
  return tf.engine().runKernel(kernelName, inputs as tf.NamedTensorMap, attrs) as tf.Tensor[];
}

const coefficientsGradient: tf.GradConfig = {
  kernelName: MHC_COEFFICIENTS,
  inputsToSave: ['x', 'phi', ...GATE_INPUTS],
  outputsToSave: [true, false, true, false, true],
  // r and q are internal (mhcCoefficients disposes them): no gradient arrives through them.
  gradFunc: (dys, saved, attrs) => {
    const [dh, dhin, , dxIn] = dys as tf.Tensor[];
    const [x, phi, alphaPre, alphaPost, alphaRes, bPre, bPost, bRes, h, r, q] = saved;
    const { n } = attrs as unknown as MhcAttrs;
    const [dx, dphi, dparams] = run(
      MHC_COEFFICIENTS_GRAD,
      { x, phi, q, bRes, h, r, dh, dhin, dxIn, alphaPre, alphaPost, alphaRes },
      attrs,
    );
    // dparams [3 + w] = dalpha_pre, dalpha_post, dalpha_res, db_pre [n], db_post [n], db_res [n*n]
    const part = (begin: number, size: number, shape: number[]) => () =>
      tf.slice(dparams, [begin], [size]).reshape(shape);
    return {
      x: () => dx,
      phi: () => dphi,
      alphaPre: part(0, 1, []),
      alphaPost: part(1, 1, []),
      alphaRes: part(2, 1, []),
      bPre: part(3, n, bPre.shape),
      bPost: part(3 + n, n, bPost.shape),
      bRes: part(3 + 2 * n, n * n, bRes.shape),
    };
  },
};

const mixGradient: tf.GradConfig = {
  kernelName: MHC_MIX,
  inputsToSave: ['x', 'f', 'h', 'mask'],
  gradFunc: (dy, [x, f, h, mask], attrs) => {
    const [dx, df, dh] = run(MHC_MIX_GRAD, { dy: dy as tf.Tensor, x, f, h, mask }, attrs);
    return { x: () => dx, f: () => df, h: () => dh, mask: () => tf.zerosLike(mask) };
  },
};

// Each is the other's gradient.
const expandGradient: tf.GradConfig = {
  kernelName: MHC_EXPAND,
  gradFunc: (dy, _saved, attrs) => ({
    x: () => tf.engine().runKernel(MHC_MERGE, { x: dy as tf.Tensor }, attrs) as tf.Tensor,
  }),
};
const mergeGradient: tf.GradConfig = {
  kernelName: MHC_MERGE,
  gradFunc: (dy, _saved, attrs) => ({
    x: () => tf.engine().runKernel(MHC_EXPAND, { x: dy as tf.Tensor }, attrs) as tf.Tensor,
  }),
};

let gradientsRegistered = false;

/** Registers the kernels on the wasm backend (call when it is activated) and their gradients. */
export function registerWasmMhcKernels(): void {
  registerKernels('wasm', [
    [MHC_COEFFICIENTS, wasmMhcCoefficients],
    [MHC_COEFFICIENTS_GRAD, wasmMhcCoefficientsGrad],
    [MHC_MIX, wasmMhcMix],
    [MHC_MIX_GRAD, wasmMhcMixGrad],
    [MHC_EXPAND, wasmMhcExpand],
    [MHC_MERGE, wasmMhcMerge],
  ]);
  if (gradientsRegistered) return;
  gradientsRegistered = true;
  tf.registerGradient(coefficientsGradient);
  tf.registerGradient(mixGradient);
  tf.registerGradient(expandGradient);
  tf.registerGradient(mergeGradient);
}

/** Removes the wasm kernels again (the tfjs-op form then runs); for tests and a failed load. */
export function unregisterWasmMhcKernels(): void {
  unregisterKernels('wasm', [MHC_COEFFICIENTS, MHC_COEFFICIENTS_GRAD, MHC_MIX, MHC_MIX_GRAD, MHC_EXPAND, MHC_MERGE]);
}
