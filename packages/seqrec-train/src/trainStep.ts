/**
 * One optimizer step: loss and gradients of every weight (`tf.variableGrads`), then Adam.
 * Every tensor created here is disposed before returning (the tests check numTensors stays flat).
 */
import { tf } from '@seqrec/runtime';
import type { TrainBatch } from '@seqrec/data';
import {
  DEFAULT_LOSS_CONFIG,
  trainingLoss,
  type LossConfig,
  type SequentialRecommender,
  type TrainingBatch,
} from '@seqrec/models';
import type { Adam } from './adam';
import type { StepNegatives } from './stepNegatives';

/** What a step minimises: the loss (@seqrec/models `LOSSES`) and, for the sampled ones, the step's shared negatives. */
export interface StepObjective {
  loss: LossConfig;
  /** The step's negatives (`StepNegativeSampler.forStep`); null for bce and ce. */
  negatives: StepNegatives | null;
}

/** The seed's objective: BCE with the sampler's one negative per position. */
export const BCE_OBJECTIVE: StepObjective = { loss: DEFAULT_LOSS_CONFIG, negatives: null };

/** Uploads a sampler batch (and a step's shared negatives) as the model's training tensors (caller disposes). */
export function toTrainingBatch(batch: TrainBatch, negatives: StepNegatives | null = null): TrainingBatch {
  const shape: [number, number] = [batch.size, batch.length];
  return {
    seq: tf.tensor2d(batch.seq, shape, 'int32'),
    pos: tf.tensor2d(batch.pos, shape, 'int32'),
    neg: tf.tensor2d(batch.neg, shape, 'int32'),
    rel: batch.rel === null ? null : tf.tensor3d(batch.rel, [batch.size, batch.length, batch.length], 'int32'),
    segments: batch.segments === null ? null : tf.tensor2d(batch.segments, shape, 'int32'),
    negatives: negatives === null ? null : tf.tensor1d(negatives.items, 'int32'),
    negativeLogQ: negatives?.logQ == null ? null : tf.tensor1d(negatives.logQ, 'float32'),
    targetLogQ: negatives?.targetLogQ == null ? null : tf.tensor2d(negatives.targetLogQ, shape, 'float32'),
  };
}

/** Disposes the tensors made by `toTrainingBatch`. */
export function disposeTrainingBatch(tensors: TrainingBatch): void {
  tf.dispose([tensors.seq, tensors.pos, tensors.neg]);
  for (const t of [tensors.rel, tensors.segments, tensors.negatives, tensors.negativeLogQ, tensors.targetLogQ])
    t?.dispose();
}

/**
 * Computes the loss and, if it is finite, applies one Adam update with rate `lr`.
 * @param lossScale the gradient is that of `lossScale * loss` (see `TrainOptions.lossNormalization`).
 * @param objective the loss and the step's shared negatives; default BCE (the spec's loss).
 * @returns the loss value, unscaled (NaN/Infinity means no update was applied).
 */
export async function trainStep(
  model: SequentialRecommender,
  adam: Adam,
  batch: TrainBatch,
  lr: number,
  lossScale = 1,
  objective: StepObjective = BCE_OBJECTIVE,
): Promise<number> {
  const tensors = toTrainingBatch(batch, objective.negatives);
  const names = [...model.weights.keys()];
  const variables = [...model.weights.values()];
  try {
    const scaledLoss = (): tf.Scalar => {
      const loss = trainingLoss(model, tensors, objective.loss, { training: true });
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
