/**
 * Softmax cross-entropy over the whole catalogue (issue 13; the objective of BERT4Rec-style
 * training, which Klenitskiy & Vasilev, RecSys 2023, showed makes SASRec strong under full
 * ranking): at every target position, -log softmax(features . item_emb[1..V])[target].
 *
 * The logits are M*V floats (M target positions), e.g. 19k x 3.6k = 280 MB for one ML-1M batch,
 * and autodiff would keep them, their softmax and their gradient alive at once. So the loss is a
 * custom gradient computed over chunks of positions: the forward pass keeps only the scalar sum,
 * the backward pass recomputes each chunk's softmax, and at most CE_CHUNK_FLOATS logits exist at
 * any time, whatever M and V are.
 *
 * Letters: M target positions, R positions per chunk, V items, d hidden.
 */
import { tf } from '@seqrec/runtime';

/** Logits per chunk at most (16 MB of float32). */
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
  // [R, V] one-hot of a chunk's targets (ids 1..V -> classes 0..V-1).
  const oneHotOf = (ids: tf.Tensor1D, start: number, size: number) =>
    tf.oneHot(tf.sub(ids.slice([start], [size]), tf.scalar(1, 'int32')) as tf.Tensor1D, V) as tf.Tensor2D;

  // customGrad's typing passes the save function among the inputs: (features, table, save).
  const loss = tf.customGrad(((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [rows, w, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc]; // [M, d], [V+1, d]
    const items = w.slice([1, 0], [V, d]); // [V, d]
    save([rows, w, targets]); // targets too: the caller's scope may end before the backward pass
    let sum: tf.Tensor = tf.scalar(0);
    for (const [start, size] of chunks) {
      const next = tf.tidy(() => {
        const logits = tf.matMul(rows.slice([start, 0], [size, d]), items, false, true); // [R, V]
        const targetLogits = tf.sum(tf.mul(logits, oneHotOf(targets, start, size)), 1); // [R]
        return tf.add(sum, tf.sum(tf.sub(tf.logSumExp(logits, 1), targetLogits)));
      });
      sum.dispose();
      sum = next;
    }
    const value = tf.div(sum, Math.max(M, 1)) as tf.Scalar;
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
      const [savedRows, savedTable, savedTargets] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
      const savedItems = savedTable.slice([1, 0], [V, d]); // [V, d]
      const scale = tf.div(dy, Math.max(M, 1)); // d loss / d (sum of position losses)
      const rowGrads: tf.Tensor[] = [];
      let itemGrad: tf.Tensor = tf.zeros([V, d]);
      for (const [start, size] of chunks) {
        const [rowGrad, nextItemGrad] = tf.tidy(() => {
          const chunkRows = savedRows.slice([start, 0], [size, d]); // [R, d]
          const logits = tf.matMul(chunkRows, savedItems, false, true); // [R, V]
          // d(logsumexp - target logit) / d logits = softmax - onehot
          const g = tf.mul(tf.sub(tf.softmax(logits), oneHotOf(savedTargets, start, size)), scale); // [R, V]
          return [tf.matMul(g, savedItems), tf.add(itemGrad, tf.matMul(g, chunkRows, true, false))]; // [R, d], [V, d]
        });
        rowGrads.push(rowGrad);
        itemGrad.dispose();
        itemGrad = nextItemGrad;
      }
      const featureGrad = rowGrads.length === 1 ? (rowGrads[0] as tf.Tensor) : tf.concat(rowGrads, 0); // [M, d]
      const tableGrad = tf.concat([tf.zeros([1, d]), itemGrad], 0); // [V+1, d]; padding row gets none
      return [featureGrad, tableGrad];
    };
    return { value, gradFunc };
  }) as Parameters<typeof tf.customGrad>[0]);
  return loss(features, table) as tf.Scalar;
}
