/**
 * The fused mHC kernels on the wasm backend (assembly/mhc.ts): tfjs kernel functions that pass
 * heap byte offsets of their inputs, of outputs from `makeOutput` and of a `_malloc` scratch
 * block to the AssemblyScript module, as the SIMD `BatchMatMul` does (batchMatMulWasm.ts).
 * What each kernel computes, and the tensor layouts: mhcOps.ts and assembly/mhc.ts.
 *
 * The module is instantiated once per heap (a re-created wasm backend has a new one).
 */
import type { tf } from '../tf';
import {
  type WasmBackendInternals,
  heapF32,
  heapOffset,
  requireFloat32,
  withHeapScratch,
} from './wasmBackendInternals';
import { kernelOnHeap } from './wasmKernelModule';

const WHAT = 'seqrec mHC kernels';

/** Exports of assembly/mhc.ts; pointers are heap byte offsets. */
export interface MhcExports extends MhcStreamExports {
  coefficientScratchBytes(n: number, d: number, iters: number): number;
  coefficients(
    x: number,
    phi: number,
    bPre: number,
    bPost: number,
    bRes: number,
    h: number,
    hin: number,
    r: number,
    q: number,
    tokens: number,
    n: number,
    d: number,
    iters: number,
    alphaPre: number,
    alphaPost: number,
    alphaRes: number,
    eps: number,
    scratch: number,
  ): void;
  coefficientsGrad(
    x: number,
    phi: number,
    q: number,
    bRes: number,
    h: number,
    r: number,
    dh: number,
    dhin: number,
    dxIn: number,
    dx: number,
    dphi: number,
    dparams: number,
    tokens: number,
    n: number,
    d: number,
    iters: number,
    alphaPre: number,
    alphaPost: number,
    alphaRes: number,
    scratch: number,
  ): void;
  mix(x: number, f: number, h: number, mask: number, out: number, tokens: number, n: number, d: number): void;
  mixGrad(
    dy: number,
    x: number,
    f: number,
    h: number,
    mask: number,
    dx: number,
    df: number,
    dh: number,
    tokens: number,
    n: number,
    d: number,
    scratch: number,
  ): void;
}

/** Exports of assembly/mhc.ts for the stream expand and merge. */
interface MhcStreamExports {
  expand(x: number, out: number, tokens: number, n: number, d: number): void;
  merge(x: number, out: number, tokens: number, n: number, d: number): void;
}

/** Attributes every mHC kernel takes: n streams of d features; the coefficient kernels also iters and eps. */
export interface MhcAttrs {
  n: number;
  d: number;
  iters: number;
  eps: number;
}

/** The backend's internals and the module on its heap; throws if the wasm internals are not as expected. */
function moduleFor(backend: unknown): { internals: WasmBackendInternals; kernel: MhcExports } {
  return kernelOnHeap<MhcExports>('mhc', WHAT, backend as tf.KernelBackend);
}

/** Checks the module builds and instantiates on this backend's heap; the reason when it does not. */
export function loadMhcModule(backend: tf.KernelBackend): string | null {
  try {
    moduleFor(backend);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

function scalarValue(internals: WasmBackendInternals, t: tf.TensorInfo): number {
  return heapF32(internals, heapOffset(internals, t), 1)[0];
}

interface RefCountingBackend {
  incRef(dataId: object): void;
}

/**
 * x [N, n*d], phi [n*d, w], alphas [], biases [n], [n], [n, n] -> h [N, w], hin [N, d], r [N],
 * x itself (sharing its storage, as the wasm Identity does), which the stream mix reads: the
 * mix's gradient w.r.t. x then arrives here and is added inside the gradient kernel, instead of
 * by a tfjs Add of two [N, n*d] gradients; and q = x phi [N, w], which the gradient reads.
 */
export const wasmMhcCoefficients: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const t = inputs as Record<string, tf.TensorInfo>;
  requireFloat32('MhcCoefficients', t);
  const { n, d, iters, eps } = attrs as unknown as MhcAttrs;
  const { internals, kernel } = moduleFor(backend);
  const w = 2 * n + n * n;
  const tokens = t.x.shape[0];
  const h = internals.makeOutput([tokens, w], 'float32');
  const hin = internals.makeOutput([tokens, d], 'float32');
  const r = internals.makeOutput([tokens], 'float32');
  const q = internals.makeOutput([tokens, w], 'float32');
  (backend as unknown as RefCountingBackend).incRef(t.x.dataId);
  const passThrough: tf.TensorInfo = { dataId: t.x.dataId, shape: t.x.shape, dtype: t.x.dtype };
  if (tokens === 0) return [h, hin, r, passThrough, q];
  const off = (x: tf.TensorInfo) => heapOffset(internals, x);
  withHeapScratch(internals, kernel.coefficientScratchBytes(n, d, iters), WHAT, (scratch) =>
    kernel.coefficients(
      off(t.x),
      off(t.phi),
      off(t.bPre),
      off(t.bPost),
      off(t.bRes),
      off(h),
      off(hin),
      off(r),
      off(q),
      tokens,
      n,
      d,
      iters,
      scalarValue(internals, t.alphaPre),
      scalarValue(internals, t.alphaPost),
      scalarValue(internals, t.alphaRes),
      eps,
      scratch,
    ),
  );
  return [h, hin, r, passThrough, q];
};

/** -> dx [N, n*d], dphi [n*d, w], dparams [3 + w] */
export const wasmMhcCoefficientsGrad: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const t = inputs as Record<string, tf.TensorInfo>;
  requireFloat32('MhcCoefficientsGrad', t);
  const { n, d, iters } = attrs as unknown as MhcAttrs;
  const { internals, kernel } = moduleFor(backend);
  const w = 2 * n + n * n;
  const tokens = t.q.shape[0];
  const dx = internals.makeOutput([...t.x.shape], 'float32');
  const dphi = internals.makeOutput([...t.phi.shape], 'float32');
  const dparams = internals.makeOutput([3 + w], 'float32');
  if (tokens === 0) {
    heapF32(internals, heapOffset(internals, dphi), n * d * w).fill(0);
    heapF32(internals, heapOffset(internals, dparams), 3 + w).fill(0);
    return [dx, dphi, dparams];
  }
  const off = (x: tf.TensorInfo) => heapOffset(internals, x);
  withHeapScratch(internals, kernel.coefficientScratchBytes(n, d, iters), WHAT, (scratch) =>
    kernel.coefficientsGrad(
      off(t.x),
      off(t.phi),
      off(t.q),
      off(t.bRes),
      off(t.h),
      off(t.r),
      off(t.dh),
      off(t.dhin),
      off(t.dxIn),
      off(dx),
      off(dphi),
      off(dparams),
      tokens,
      n,
      d,
      iters,
      scalarValue(internals, t.alphaPre),
      scalarValue(internals, t.alphaPost),
      scalarValue(internals, t.alphaRes),
      scratch,
    ),
  );
  return [dx, dphi, dparams];
};

/** x [N, n*d], f [N, d], h [N, w], mask [N] -> out, shaped as x */
export const wasmMhcMix: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const t = inputs as Record<string, tf.TensorInfo>;
  requireFloat32('MhcMix', t);
  const { n, d } = attrs as unknown as MhcAttrs;
  const { internals, kernel } = moduleFor(backend);
  const tokens = t.f.shape[0];
  const out = internals.makeOutput([...t.x.shape], 'float32');
  if (tokens === 0) return out;
  const off = (x: tf.TensorInfo) => heapOffset(internals, x);
  kernel.mix(off(t.x), off(t.f), off(t.h), off(t.mask), off(out), tokens, n, d);
  return out;
};

/** dy shaped as x (and the forward's inputs) -> dx (as x), df [N, d], dh [N, w] */
export const wasmMhcMixGrad: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const t = inputs as Record<string, tf.TensorInfo>;
  requireFloat32('MhcMixGrad', t);
  const { n, d } = attrs as unknown as MhcAttrs;
  const { internals, kernel } = moduleFor(backend);
  const tokens = t.f.shape[0];
  const dx = internals.makeOutput([...t.x.shape], 'float32');
  const df = internals.makeOutput([tokens, d], 'float32');
  const dh = internals.makeOutput([tokens, 2 * n + n * n], 'float32');
  if (tokens === 0) return [dx, df, dh];
  const off = (x: tf.TensorInfo) => heapOffset(internals, x);
  withHeapScratch(internals, 4 * (n + n * d), WHAT, (scratch) =>
    kernel.mixGrad(
      off(t.dy),
      off(t.x),
      off(t.f),
      off(t.h),
      off(t.mask),
      off(dx),
      off(df),
      off(dh),
      tokens,
      n,
      d,
      scratch,
    ),
  );
  return [dx, df, dh];
};

/** x [N, d] -> n copies [N, n*d] (expand; also the gradient of merge) */
export const wasmMhcExpand: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const x = (inputs as { x: tf.TensorInfo }).x;
  requireFloat32('MhcExpand', { x });
  const { n, d } = attrs as unknown as MhcAttrs;
  const { internals, kernel } = moduleFor(backend);
  const tokens = x.shape[0];
  const out = internals.makeOutput([tokens, n * d], 'float32');
  if (tokens > 0) kernel.expand(heapOffset(internals, x), heapOffset(internals, out), tokens, n, d);
  return out;
};

/** x [N, n*d] -> the sum of its n streams [N, d] (merge; also the gradient of expand) */
export const wasmMhcMerge: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const x = (inputs as { x: tf.TensorInfo }).x;
  requireFloat32('MhcMerge', { x });
  const { n, d } = attrs as unknown as MhcAttrs;
  const { internals, kernel } = moduleFor(backend);
  const tokens = x.shape[0];
  const out = internals.makeOutput([tokens, d], 'float32');
  if (tokens > 0) kernel.merge(heapOffset(internals, x), heapOffset(internals, out), tokens, n, d);
  return out;
};
