/**
 * Seeded inverted-dropout masks: `[shape]` float32 of 0 (dropped, probability `rate`) and
 * 1 / (1 - rate), drawn from sfc32 streams.
 *
 * tfjs's `tf.dropout` builds its mask with four full-size ops (uniform noise, add, floor, div),
 * and an attention dropout is `[B, h, T, T]`: 20 MB per temporary at B 128, T 200. Drawing the
 * mask directly costs one tensor, and the same seed gives the same mask on every backend, so
 * seeded runs match across cpu and wasm.
 *
 * Masks of batch tensors (`perRow`: axis 0 = rows of the batch) are drawn row by row, each row
 * from (seed, its index in the whole batch): a batch split into shards across data-parallel
 * workers (`rowOffset`) gets exactly the masks the whole batch would. Other tensors use one
 * stream.
 *
 * On wasm the draws run in a WebAssembly SIMD kernel (assembly/dropoutMask.ts, four rows at a
 * time) straight into the output tensor: the TypeScript loop below cost about 10 ns a draw, a
 * third of a default SASRec step at maxlen 200 with 2 heads (docs/PERFORMANCE.md). Elsewhere
 * the TypeScript loop runs; both give the same bits.
 */
import { tf } from '../tf';
import { registerKernels, unregisterKernels } from './kernelRegistry';
import { heapOffset } from './wasmBackendInternals';
import { kernelOnHeap } from './wasmKernelModule';

export const DROPOUT_MASK = 'SeqrecDropoutMask';
const WHAT = 'seqrec dropout-mask kernel';

export interface DropoutMaskOptions {
  /** Draw each row of axis 0 from its own stream, numbered from `rowOffset`. Default false. */
  perRow?: boolean;
  /** Index of this tensor's first row in the whole batch. Default 0. */
  rowOffset?: number;
}

/** The draws: `rows` runs of `rowSize`, run r from stream `firstStream + r`. */
interface MaskRuns {
  rows: number;
  rowSize: number;
  seed: number;
  firstStream: number;
  /** A draw t (u32) keeps its element when t < threshold. */
  threshold: number;
  scale: number;
}

/** sfc32 seeded from two integers; fast and good enough for Bernoulli masks. */
function fillRun(mask: Float32Array, from: number, count: number, seed: number, stream: number, runs: MaskRuns): void {
  let a = 0x9e3779b9 ^ stream;
  let b = seed | 0;
  let c = 0x243f6a88;
  let d = 1;
  // Draws -12 .. -1 mix the seed in before use.
  for (let i = -12; i < count; i++) {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    if (i >= 0) mask[from + i] = t >>> 0 < runs.threshold ? runs.scale : 0;
  }
}

function fillRuns(mask: Float32Array, runs: MaskRuns): void {
  for (let r = 0; r < runs.rows; r++)
    fillRun(mask, r * runs.rowSize, runs.rowSize, runs.seed, runs.firstStream + r, runs);
}

interface DropoutMaskExports {
  rowMasks(
    out: number,
    rows: number,
    rowSize: number,
    seed: number,
    firstStream: number,
    threshold: number,
    scale: number,
  ): void;
}

type MaskAttrs = MaskRuns & { shape: number[] };

const wasmDropoutMask: tf.KernelFunc = ({ backend, attrs }) => {
  const { shape, ...runs } = attrs as unknown as MaskAttrs;
  const { internals, kernel } = kernelOnHeap<DropoutMaskExports>('dropoutMask', WHAT, backend as tf.KernelBackend);
  const out = internals.makeOutput(shape, 'float32');
  if (runs.rows * runs.rowSize === 0) return out;
  kernel.rowMasks(
    heapOffset(internals, out),
    runs.rows,
    runs.rowSize,
    runs.seed,
    runs.firstStream,
    runs.threshold,
    runs.scale,
  );
  return out;
};

/**
 * Registers the wasm kernel when its module instantiates on this backend's heap; otherwise
 * returns why not (the TypeScript loop then runs on wasm too).
 */
export function activateWasmDropoutMask(backend: tf.KernelBackend): string | null {
  try {
    kernelOnHeap<DropoutMaskExports>('dropoutMask', WHAT, backend);
  } catch (error) {
    unregisterKernels('wasm', [DROPOUT_MASK]);
    return `dropout masks: drawn in TypeScript because ${(error as Error).message}`;
  }
  registerKernels('wasm', [[DROPOUT_MASK, wasmDropoutMask]]);
  return null;
}

/** A `[shape]` float32 mask of 0 (dropped, probability `rate`) and 1 / (1 - rate). */
export function dropoutMask(shape: number[], rate: number, seed: number, options: DropoutMaskOptions = {}): tf.Tensor {
  if (!(rate >= 0 && rate <= 1)) throw new RangeError(`dropoutMask: rate must be in [0, 1], got ${rate}`);
  const size = tf.util.sizeFromShape(shape);
  const keep = 1 - rate;
  const perRow = options.perRow === true && shape.length > 1;
  const runs: MaskRuns = {
    rows: perRow ? shape[0] : 1,
    rowSize: perRow ? size / shape[0] : size,
    seed: seed | 0,
    firstStream: perRow ? (options.rowOffset ?? 0) + 1 : 0,
    // t < keep * 2^32 for an integer t is t < ceil(keep * 2^32).
    threshold: Math.ceil(keep * 2 ** 32),
    scale: 1 / keep,
  };
  // The kernel's threshold is a u32: rate 0 (keep everything) stays in TypeScript.
  if (runs.threshold <= 0xffffffff && tf.getKernel(DROPOUT_MASK, tf.getBackend()) !== undefined) {
    const attrs = { shape, ...runs };
    return tf.engine().runKernel(DROPOUT_MASK, {}, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
  }
  const mask = new Float32Array(size);
  fillRuns(mask, runs);
  return tf.tensor(mask, shape, 'float32');
}
