/**
 * Softmax cross-entropy over the whole catalogue (issue 13; the objective of BERT4Rec-style
 * training, which Klenitskiy & Vasilev, RecSys 2023, showed makes SASRec strong under full
 * ranking): at every target position, -log softmax(features . item_emb[1..V])[target].
 *
 * The logits are M*V floats (M target positions), e.g. 19k x 3.6k = 280 MB for one ML-1M batch,
 * and autodiff would keep them, their softmax and their gradient alive at once. So the loss is a
 * custom gradient computed over chunks of positions, and each chunk's softmax is used at once
 * for both the loss and the gradient: the loss is a scalar, so its gradient is a fixed tensor
 * times dy, computed in the forward pass (the two [R, V] x d products of a chunk while its softmax
 * exists) and only scaled by dy in the backward pass. At most one chunk of logits and softmax
 * (CE_CHUNK_FLOATS each) exists at any time, whatever M and V are, and no softmax is kept for,
 * or recomputed in, the backward pass (the earlier version kept it up to 64 MB and recomputed it
 * above: a fourth [M, V] x d product at maxlen 200). The price: a forward pass without a
 * gradient (none in seqrec: the loss is only computed to train) does the gradient's work too.
 *
 * Gradient, with P = softmax(logits) [M, V] and Y the one-hot targets:
 *   d/d features = (P - Y) items / M = (P items - item_emb[target]) / M
 *   d/d items    = (P - Y)^T features / M = (P^T features - scatter-add of features by target) / M
 * so no [M, V] one-hot is ever built.
 *
 * Letters: M target positions, R positions per chunk, V items, d hidden.
 */
import { tf } from '@seqrec/runtime';

/** Logits per chunk at most (16 MB of float32; the chunk's softmax is as large). */
export const CE_CHUNK_FLOATS = 1 << 22;

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
): tf.Scalar {
  const M = features.shape[0];
  const [rowsOfTable, d] = table.shape;
  const V = rowsOfTable - 1;
  const R = ceChunkRows(V, chunkFloats);
  const chunks: Array<[number, number]> = [];
  for (let start = 0; start < M; start += R) chunks.push([start, Math.min(R, M - start)]);

  // customGrad's typing passes the save function among the inputs: (features, table, save).
  const loss = tf.customGrad(((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [rows, w, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc]; // [M, d], [V+1, d]
    const items = w.slice([1, 0], [V, d]); // [V, d]
    const picked: tf.Tensor1D[] = []; // per chunk [R]: each position's softmax probability of its target
    const softmaxRows: tf.Tensor2D[] = []; // per chunk [R, d]: P items
    let softmaxItems: tf.Tensor = tf.zeros([V, d]); // sum over chunks of P^T features
    for (const [start, size] of chunks) {
      const [probability, rowGrad, nextItems] = tf.tidy(() => {
        const chunkRows = rows.slice([start, 0], [size, d]); // [R, d]
        // The fused softmax kernel (a broadcast logsumexp is several times slower on wasm).
        const p = tf.softmax(tf.matMul(chunkRows, items, false, true)); // [R, V]
        const one = tf.scalar(1, 'int32');
        const rowStart = tf.mul(tf.range(0, size, 1, 'int32'), tf.scalar(V, 'int32')); // [R]
        const flat = tf.add(rowStart, tf.sub(targets.slice([start], [size]), one)); // [R] index of p[r, target - 1]
        return [
          tf.gather(p.reshape([size * V]), flat as tf.Tensor1D), // [R]
          tf.matMul(p, items), // [R, d]
          tf.add(softmaxItems, tf.matMul(p, chunkRows, true, false)), // [V, d]
        ];
      });
      picked.push(probability as tf.Tensor1D);
      softmaxRows.push(rowGrad as tf.Tensor2D);
      softmaxItems.dispose();
      softmaxItems = nextItems as tf.Tensor;
    }
    const probabilities = picked.length === 1 ? (picked[0] as tf.Tensor1D) : tf.concat(picked, 0); // [M]
    // The value only: below 1e-30 the reported loss saturates at 69 (the gradient is exact).
    const value = tf.neg(tf.mean(tf.log(tf.maximum(probabilities, 1e-30)))) as tf.Scalar;
    // The gradient of the sum of position losses (dy / M scales it below).
    const byRows = softmaxRows.length === 1 ? (softmaxRows[0] as tf.Tensor) : tf.concat(softmaxRows, 0); // [M, d]
    const featureSum = tf.sub(byRows, tf.gather(w, targets)); // [M, d]
    const targetClasses = tf.sub(targets, tf.scalar(1, 'int32')) as tf.Tensor1D; // [M], ids 1..V -> 0..V-1
    const itemSum = tf.sub(softmaxItems, tf.unsortedSegmentSum(rows, targetClasses, V)); // [V, d]
    const tableSum = tf.concat([tf.zeros([1, d]), itemSum], 0); // [V+1, d]; the padding row gets none
    save([featureSum, tableSum]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
      const [savedFeatures, savedTable] = saved as [tf.Tensor2D, tf.Tensor2D];
      const scale = tf.div(dy, Math.max(M, 1)); // d loss / d (sum of position losses)
      return [tf.mul(savedFeatures, scale), tf.mul(savedTable, scale)];
    };
    return { value, gradFunc };
  }) as Parameters<typeof tf.customGrad>[0]);
  return loss(features, table) as tf.Scalar;
}
