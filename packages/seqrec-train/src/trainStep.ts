/**
 * One optimizer step: loss and gradients of every weight (`tf.variableGrads`), then Adam.
 * Every tensor created here is disposed before returning (the tests check numTensors stays flat).
 */
import { tf } from '@seqrec/runtime';
import type { TrainBatch } from '@seqrec/data';
import type { SequentialRecommender, TrainingBatch } from '@seqrec/models';
import type { Adam } from './adam';

/** Uploads a sampler batch as the model's training tensors (caller disposes). */
export function toTrainingBatch(batch: TrainBatch): TrainingBatch {
  const shape: [number, number] = [batch.size, batch.length];
  return {
    seq: tf.tensor2d(batch.seq, shape, 'int32'),
    pos: tf.tensor2d(batch.pos, shape, 'int32'),
    neg: tf.tensor2d(batch.neg, shape, 'int32'),
    rel: batch.rel === null ? null : tf.tensor3d(batch.rel, [batch.size, batch.length, batch.length], 'int32'),
    segments: batch.segments === null ? null : tf.tensor2d(batch.segments, shape, 'int32'),
  };
}

/** Disposes the tensors made by `toTrainingBatch`. */
export function disposeTrainingBatch(tensors: TrainingBatch): void {
  tf.dispose([tensors.seq, tensors.pos, tensors.neg]);
  if (tensors.rel) tensors.rel.dispose();
  if (tensors.segments) tensors.segments.dispose();
}

/**
 * Computes the loss and, if it is finite, applies one Adam update with rate `lr`.
 * @param lossScale the gradient is that of `lossScale * loss` (see `TrainOptions.lossNormalization`).
 * @returns the loss value, unscaled (NaN/Infinity means no update was applied).
 */
export async function trainStep(
  model: SequentialRecommender,
  adam: Adam,
  batch: TrainBatch,
  lr: number,
  lossScale = 1,
): Promise<number> {
  const tensors = toTrainingBatch(batch);
  const names = [...model.weights.keys()];
  const variables = [...model.weights.values()];
  try {
    const scaledLoss = (): tf.Scalar => {
      const loss = model.loss(tensors, { training: true });
      return lossScale === 1 ? loss : tf.mul(loss, lossScale); // variableGrads disposes `loss`
    };
    const { value, grads } = tf.variableGrads(scaledLoss, variables);
    try {
      const loss = ((await value.data())[0] as number) / lossScale;
      if (Number.isFinite(loss)) {
        const byName = new Map<string, tf.Tensor>();
        names.forEach((name, i) => {
          const g = grads[(variables[i] as tf.Variable).name];
          if (g !== undefined) byName.set(name, g);
        });
        adam.apply(byName, lr);
      }
      return loss;
    } finally {
      value.dispose();
      tf.dispose(grads);
    }
  } finally {
    disposeTrainingBatch(tensors);
  }
}

/** True when every weight is finite (checked before a checkpoint is written). */
export async function weightsAreFinite(model: SequentialRecommender): Promise<boolean> {
  const bad = tf.tidy(() =>
    tf.addN([...model.weights.values()].map((w) => tf.sum(tf.cast(tf.logicalNot(tf.isFinite(w)), 'int32')))),
  );
  const count = (await bad.data())[0] as number;
  bad.dispose();
  return count === 0;
}
