/**
 * Registers the kernels seqrec adds to tfjs. `registerSeqrecKernels` runs once from `initBackend`;
 * `activateBackendKernels` runs each time a backend becomes active, for kernels that need it.
 *
 * - cpu:  `UnsortedSegmentSum` replaced by the scatter-add (the stock one is O(rows x V x d)).
 * - cpu and wasm: TiSASRec's interval gather / scatter-add over the causal lower triangle
 *         (lowerTriangle.ts; on wasm compiled by AssemblyScript once the backend is active).
 * - wasm: `UnsortedSegmentSum` added (the stock wasm backend has none, so `gather` had no
 *         gradient there); `BatchMatMul` replaced by the WebAssembly SIMD kernel, which needs the
 *         live backend (its heap) and a self-test, hence at activation; `Identity` shares
 *         storage instead of copying (autodiff clones every saved tensor with it); `GatherV2`
 *         copies whole rows for embedding lookups; the fused mHC kernels (mhcOps.ts), the
 *         dropout-mask kernel (dropoutMask.ts) and the fused LayerNorm (layerNormOps.ts) are added.
 */
import { tf } from '../tf';
import { cpuStorage, wasmStorage } from './backendStorage';
import { registerKernels } from './kernelRegistry';
import { makeGatherRowsKernel } from './gatherRows';
import { sharedIdentity } from './sharedIdentity';
import { makeUnsortedSegmentSumKernel } from './unsortedSegmentSum';
import { registerWasmMhcKernels, unregisterWasmMhcKernels } from './mhcOps';
import { loadMhcModule } from './mhcWasm';
import { activateWasmBatchMatMul } from './wasmBatchMatMulActivation';
import { activateWasmLowerTriangle, registerLowerTriangleKernels } from './lowerTriangle';
import { activateWasmDropoutMask } from './dropoutMask';
import { activateWasmLayerNorm, deactivateWasmLayerNorm } from './layerNormOps';

let registered = false;

const SEGMENT_SUM = 'UnsortedSegmentSum (JS scatter-add)';
const WASM_IDENTITY = 'Identity (wasm: shares storage)';
const WASM_GATHER = 'GatherV2 (wasm: row copies for axis 0)';
const WASM_MHC = 'mHC coefficients and stream mix (wasm: fused AssemblyScript SIMD kernels)';
const LOWER_TRIANGLE = 'interval gather / scatter-add over the causal lower triangle';
const WASM_DROPOUT_MASK = 'dropout masks (wasm: AssemblyScript SIMD kernel)';
const WASM_LAYER_NORM = 'LayerNorm forward and backward (wasm: fused AssemblyScript kernels)';

export interface ActiveKernels {
  /** seqrec kernels in use on the backend. */
  kernels: string[];
  /** Custom kernels that are not in use, and why (the stock tfjs kernel runs instead). */
  notes: string[];
}

export function registerSeqrecKernels(): void {
  if (registered) return;
  registered = true;
  registerKernels('cpu', [['UnsortedSegmentSum', makeUnsortedSegmentSumKernel(cpuStorage)]], { replace: true });
  registerLowerTriangleKernels('cpu');
}

let wasmKernelsRegistered = false;

/**
 * The wasm replacements are registered when the wasm backend is first activated: loading
 * `@tensorflow/tfjs-backend-wasm` registers its own kernels, which would overwrite ours.
 */
function registerWasmKernels(): void {
  if (wasmKernelsRegistered) return;
  wasmKernelsRegistered = true;
  const kernels: Array<[string, tf.KernelFunc]> = [
    ['UnsortedSegmentSum', makeUnsortedSegmentSumKernel(wasmStorage)],
    ['Identity', sharedIdentity],
  ];
  const stockGather = tf.getKernel('GatherV2', 'wasm');
  if (stockGather !== undefined) kernels.push(['GatherV2', makeGatherRowsKernel(stockGather)]);
  registerKernels('wasm', kernels, { replace: true });
  registerLowerTriangleKernels('wasm');
}

/** Call with the backend that was just made active (`tf.backend()`). */
export function activateBackendKernels(backendName: string, backend: tf.KernelBackend): ActiveKernels {
  if (backendName === 'cpu') return { kernels: [SEGMENT_SUM, LOWER_TRIANGLE], notes: [] };
  if (backendName !== 'wasm') return { kernels: [], notes: [] };
  registerWasmKernels();
  const matMul = activateWasmBatchMatMul(backend);
  const kernels = [SEGMENT_SUM, WASM_IDENTITY, WASM_GATHER, LOWER_TRIANGLE];
  const notes = matMul.note === null ? [] : [matMul.note];
  if (matMul.active !== null) kernels.push(matMul.active);
  const mhcFailure = loadMhcModule(backend);
  if (mhcFailure === null) {
    registerWasmMhcKernels();
    kernels.push(WASM_MHC);
  } else {
    unregisterWasmMhcKernels();
    notes.push(`mHC: using tfjs ops because ${mhcFailure}`);
  }
  const triangleFailure = activateWasmLowerTriangle(backend);
  if (triangleFailure !== null) notes.push(triangleFailure);
  const maskFailure = activateWasmDropoutMask(backend);
  if (maskFailure === null) kernels.push(WASM_DROPOUT_MASK);
  else notes.push(maskFailure);
  // The fused LayerNorm's column sums follow the SIMD matmul's order (that is what makes its bits
  // the tfjs-op form's); without that kernel the op form sums in the stock kernel's order.
  if (matMul.active === null) {
    deactivateWasmLayerNorm();
    notes.push('LayerNorm: using tfjs ops because the SIMD BatchMatMul is not active');
  } else {
    const layerNormFailure = activateWasmLayerNorm(backend);
    if (layerNormFailure === null) kernels.push(WASM_LAYER_NORM);
    else notes.push(layerNormFailure);
  }
  return { kernels, notes };
}
