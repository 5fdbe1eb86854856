/**
 * The training loss of a model under any objective of `LOSSES` (lossConfig.ts). `bce` is the
 * model's own `loss` (the spec's, fixtures unchanged); the others take the model's features at
 * the target positions and the shared item embedding (spec MODEL.md §Heads and loss: logits are
 * `features . item_emb[item]`), plus the same `l2Emb * sum(item_emb^2)` term.
 */
import { tf } from '@seqrec/runtime';
import type { ForwardOptions, SequentialRecommender, TrainingBatch } from '../types';
import { ITEM_EMBEDDING_WEIGHT } from '../recommender';
import { fullCrossEntropyLoss } from './fullCrossEntropy';
import { gbceBeta, generalizedBceLoss } from './generalizedBce';
import type { LossConfig } from './lossConfig';
import { sampledSoftmaxLoss } from './sampledSoftmax';
import { gatherTargets, targetRows } from './targetRows';

/**
 * Scalar loss of `batch` under `config`: the mean over target positions (pos != 0) plus the
 * l2Emb term. `sampled_softmax` and `gbce` need `batch.negatives` (and, for popularity sampling,
 * `negativeLogQ` and `targetLogQ`).
 */
export function trainingLoss(
  model: SequentialRecommender,
  batch: TrainingBatch,
  config: LossConfig,
  options: ForwardOptions = {},
): tf.Scalar {
  if (config.loss === 'bce') return model.loss(batch, options);
  return tf.tidy(() => {
    // [V+1, d], or the [K, d] rows of a sparse step (ForwardOptions.itemTable; ids index them)
    const table =
      options.itemTable ?? (model.weights.get(ITEM_EMBEDDING_WEIGHT) as tf.Variable as unknown as tf.Tensor2D);
    const features = model.features(batch, options); // [B, T, d]
    const rows = targetRows(features, batch.pos); // [M, d], [M]
    let loss: tf.Scalar;
    if (rows.indices.length === 0) {
      loss = tf.mul(tf.sum(features), 0) as tf.Scalar; // no target: zero, still connected to the weights
    } else if (config.loss === 'ce') {
      if (options.itemTable !== undefined)
        throw new Error("trainingLoss: loss 'ce' reads every item row; it takes no ForwardOptions.itemTable");
      loss = fullCrossEntropyLoss(rows.features, rows.targets, table);
    } else {
      const negatives = batch.negatives;
      if (negatives === undefined || negatives === null)
        throw new Error(`trainingLoss: loss '${config.loss}' needs batch.negatives (the step's negatives)`);
      if (config.loss === 'gbce') {
        if (negatives.rank !== 3)
          throw new Error(
            `trainingLoss: loss 'gbce' needs [B, T, N] negatives (N per position), got rank ${negatives.rank}`,
          );
        const perPosition = gatherTargets(negatives, rows.indices) as tf.Tensor2D; // [M, N]
        const beta = gbceBeta(perPosition.shape[1], model.config.numItems, config.gbceT);
        loss = generalizedBceLoss(rows.features, rows.targets, table, perPosition, beta);
      } else {
        if (negatives.rank !== 1)
          throw new Error(
            `trainingLoss: loss 'sampled_softmax' needs [N] negatives shared by the step, got rank ${negatives.rank}`,
          );
        const targetLogQ = batch.targetLogQ ?? null;
        loss = sampledSoftmaxLoss(rows.features, rows.targets, table, {
          items: negatives as tf.Tensor1D,
          logQ: batch.negativeLogQ ?? null,
          targetLogQ: targetLogQ === null ? null : (gatherTargets(targetLogQ, rows.indices) as tf.Tensor1D),
        });
      }
    }
    if (model.config.l2Emb === 0) return loss;
    return tf.add(loss, tf.mul(model.config.l2Emb, tf.sum(tf.square(table)))) as tf.Scalar;
  });
}
