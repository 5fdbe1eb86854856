/**
 * `Identity` for the wasm backend that shares storage instead of copying it.
 *
 * tfjs's autodiff clones every tensor it saves for the backward pass with `Identity`. The stock
 * wasm kernel copies the bytes, so a TiSASRec step at B 128, T 200 copied ~1.8 GB per step and
 * held the copies until backward: most of its peak memory. tfjs tensors are immutable (a
 * variable's `assign` swaps its dataId), so sharing the dataId with a reference count is safe;
 * it is what the cpu backend's Identity does.
 */
import type { tf } from '../tf';

interface RefCountingBackend {
  incRef(dataId: object): void;
}

export const sharedIdentity: tf.KernelFunc = ({ inputs, backend }) => {
  const x = (inputs as { x: tf.TensorInfo }).x;
  (backend as unknown as RefCountingBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
};
