/**
 * Softmax cross-entropy over the whole catalogue (issue 13; the objective of BERT4Rec-style
 * training, which Klenitskiy & Vasilev, RecSys 2023, showed makes SASRec strong under full
 * ranking): at every target position, -log softmax(features . item_emb[1..V])[target].
 *
 * The logits are M*V floats (M target positions), e.g. 19k x 3.6k = 280 MB for one ML-1M batch,
 * and autodiff would keep them, their softmax and their gradient alive at once. So the loss is a
 * custom gradient computed over chunks of positions: the forward pass keeps each position's
 * target probability (and the softmax itself only while all of it fits in CE_CACHE_FLOATS), the
 * backward pass reuses or recomputes each chunk's softmax, so at most
 * max(CE_CHUNK_FLOATS, CE_CACHE_FLOATS) probabilities exist at any time, whatever M and V are.
 *
 * Gradient, with P = softmax(logits) [M, V] and Y the one-hot targets:
 *   d/d features = (P - Y) items / M = (P items - item_emb[target]) / M
 *   d/d items    = (P - Y)^T features / M = (P^T features - scatter-add of features by target) / M
 * so no [M, V] one-hot is ever built.
 *
 * Letters: M target positions, R positions per chunk, V items, d hidden.
 */
import { tf } from '@seqrec/runtime';

/** Logits per chunk at most (16 MB of float32). */
export const CE_CHUNK_FLOATS = 1 << 22;
/** Softmax kept from the forward pass for the backward one when all of it fits (64 MB); else recomputed. */
export const CE_CACHE_FLOATS = 1 << 24;

/** Positions per chunk for a catalogue of `numItems` items. */
export function ceChunkRows(numItems: number, chunkFloats = CE_CHUNK_FLOATS): number {
  return Math.max(1, Math.floor(chunkFloats / numItems));
}

/**
 * features [M, d], targets [M] (ids 1..V), table [V+1, d] (row 0 = padding, never a class) ->
 * scalar mean over the M positions of logsumexp(logits) - logit[target]. Differentiable in
 * `features` and `table`. Call inside a tidy.
 */
export function fullCrossEntropyLoss(
  features: tf.Tensor2D,
  targets: tf.Tensor1D,
  table: tf.Tensor2D,
  chunkFloats = CE_CHUNK_FLOATS,
  cacheFloats = CE_CACHE_FLOATS,
): tf.Scalar {
  const M = features.shape[0];
  const [rowsOfTable, d] = table.shape;
  const V = rowsOfTable - 1;
  const R = ceChunkRows(V, chunkFloats);
  const chunks: Array<[number, number]> = [];
  for (let start = 0; start < M; start += R) chunks.push([start, Math.min(R, M - start)]);
  const cache = M * V <= cacheFloats;

  // customGrad's typing passes the save function among the inputs: (features, table, save).
  const loss = tf.customGrad(((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [rows, w, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc]; // [M, d], [V+1, d]
    const items = w.slice([1, 0], [V, d]); // [V, d]
    const cached: tf.Tensor2D[] = [];
    // Each position's softmax probability of its target (the fused softmax kernel; a broadcast
    // logsumexp is several times slower on wasm).
    const targetProbabilities = chunks.map(([start, size]) => {
      const [probability, softmax] = tf.tidy(() => {
        const p = softmaxOf(rows.slice([start, 0], [size, d]), items); // [R, V]
        const one = tf.scalar(1, 'int32');
        const rowStart = tf.mul(tf.range(0, size, 1, 'int32'), tf.scalar(V, 'int32')); // [R]
        const flat = tf.add(rowStart, tf.sub(targets.slice([start], [size]), one)); // [R] index of p[r, target - 1]
        const picked = tf.gather(p.reshape([size * V]), flat as tf.Tensor1D); // [R]
        return cache ? [picked, p] : [picked];
      });
      if (softmax !== undefined) cached.push(softmax as tf.Tensor2D); // disposed with this scope; save() keeps a copy
      return probability as tf.Tensor1D;
    });
    const picked = targetProbabilities.length === 1 ? targetProbabilities[0] : tf.concat(targetProbabilities, 0); // [M]
    // The value only: below 1e-30 the reported loss saturates at 69 (the gradient below is exact).
    const value = tf.neg(tf.mean(tf.log(tf.maximum(picked as tf.Tensor1D, 1e-30)))) as tf.Scalar;
    // targets saved too: the caller's scope may end before the backward pass.
    save([rows, w, targets, ...cached]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
      const [savedRows, savedTable, savedTargets, ...savedSoftmax] = saved as [
        tf.Tensor2D,
        tf.Tensor2D,
        tf.Tensor1D,
        ...tf.Tensor2D[],
      ];
      const savedItems = savedTable.slice([1, 0], [V, d]); // [V, d]
      const rowGrads: tf.Tensor[] = [];
      let itemGrad: tf.Tensor = tf.zeros([V, d]); // sum over chunks of P^T features
      chunks.forEach(([start, size], c) => {
        const [rowGrad, nextItemGrad] = tf.tidy(() => {
          const chunkRows = savedRows.slice([start, 0], [size, d]); // [R, d]
          const p = savedSoftmax[c] ?? softmaxOf(chunkRows, savedItems); // [R, V]
          return [tf.matMul(p, savedItems), tf.add(itemGrad, tf.matMul(p, chunkRows, true, false))]; // [R, d], [V, d]
        });
        rowGrads.push(rowGrad);
        itemGrad.dispose();
        itemGrad = nextItemGrad;
      });
      const scale = tf.div(dy, Math.max(M, 1)); // d loss / d (sum of position losses)
      const softmaxRows = rowGrads.length === 1 ? (rowGrads[0] as tf.Tensor) : tf.concat(rowGrads, 0); // [M, d]
      const featureGrad = tf.mul(tf.sub(softmaxRows, tf.gather(savedTable, savedTargets)), scale); // [M, d]
      const targetClasses = tf.sub(savedTargets, tf.scalar(1, 'int32')) as tf.Tensor1D; // [M], ids 1..V -> 0..V-1
      const itemsGrad = tf.mul(tf.sub(itemGrad, tf.unsortedSegmentSum(savedRows, targetClasses, V)), scale); // [V, d]
      const tableGrad = tf.concat([tf.zeros([1, d]), itemsGrad], 0); // [V+1, d]; padding row gets none
      return [featureGrad, tableGrad];
    };
    return { value, gradFunc };
  }) as Parameters<typeof tf.customGrad>[0]);
  return loss(features, table) as tf.Scalar;
}

/** rows [R, d], items [V, d] -> softmax(rows items^T) [R, V]. */
function softmaxOf(rows: tf.Tensor2D, items: tf.Tensor2D): tf.Tensor2D {
  return tf.softmax(tf.matMul(rows, items, false, true)) as tf.Tensor2D;
}
