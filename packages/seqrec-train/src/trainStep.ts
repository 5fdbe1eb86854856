/**
 * One optimizer step: loss and gradients of every weight (`tf.variableGrads`), then Adam.
 * When Adam updates the item table lazily, or densely from the rows a step reads
 * (embeddingUpdate.ts `stepReadsItemRows`), the step runs the model on those rows
 * (sparseItemRows.ts), so the table's gradient is [K, d], not [V+1, d].
 * Every tensor created here is disposed before returning (the tests check numTensors stays flat).
 */
import { tf } from '@seqrec/runtime';
import type { TrainBatch } from '@seqrec/data';
import {
  DEFAULT_LOSS_CONFIG,
  ITEM_EMBEDDING_WEIGHT,
  trainingLoss,
  type LossConfig,
  type SequentialRecommender,
  type TrainingBatch,
} from '@seqrec/models';
import type { Adam } from './adam';
import { stepReadsItemRows } from './embeddingUpdate';
import type { RowGradient } from './lazyAdamRows';
import { stepItemRows } from './sparseItemRows';
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
    negatives:
      negatives === null
        ? null
        : negatives.perPosition
        ? tf.tensor3d(
            negatives.items,
            [batch.size, batch.length, negatives.items.length / (batch.size * batch.length)],
            'int32',
          )
        : tf.tensor1d(negatives.items, 'int32'),
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
  const update = adam.isLazy(ITEM_EMBEDDING_WEIGHT) ? 'lazy' : 'dense';
  const sparse = stepReadsItemRows(update, objective.loss.loss, model.config.l2Emb);
  const g = stepGradients(model, batch, objective, lossScale, sparse);
  try {
    const loss = ((await g.value.data())[0] as number) / lossScale;
    if (Number.isFinite(loss)) adam.apply(g.dense, lr, g.rows);
    return loss;
  } finally {
    g.dispose();
  }
}

/** A step's loss and gradients (`stepGradients`); `dispose` frees every tensor of it. */
export interface StepGradients {
  /** The scaled loss, a scalar. */
  value: tf.Scalar;
  /** Dense gradients by weight name (the item table's only when not sparse; a weight the loss does not reach is absent). */
  dense: Map<string, tf.Tensor>;
  /** Sparse: the item table's gradient as the rows the step reads (padding row 0 left out). */
  rows: Map<string, RowGradient>;
  dispose(): void;
}

/**
 * The gradient of `lossScale * loss` for every weight. `sparse`: the model runs on the item rows
 * the step reads (sparseItemRows.ts, ForwardOptions.itemTable), so the item table's gradient is
 * those [K, d] rows, returned in `rows`, and no dense [V+1, d] gradient is made.
 */
export function stepGradients(
  model: SequentialRecommender,
  batch: TrainBatch,
  objective: StepObjective,
  lossScale: number,
  sparse: boolean,
): StepGradients {
  const read = sparse ? stepItemRows(batch, objective.negatives, objective.loss.loss) : null;
  const tensors = toTrainingBatch(read?.batch ?? batch, read === null ? objective.negatives : read.negatives);
  const table = model.weights.get(ITEM_EMBEDDING_WEIGHT) as tf.Variable; // [V+1, d]
  let itemRows: tf.Variable | null = null; // [K, d]: the rows read, a variable of their own
  try {
    if (read !== null) itemRows = tf.tidy(() => tf.variable(tf.gather(table, tf.tensor1d(read.ids, 'int32')), true));
    const weights = [...model.weights].filter(([name]) => read === null || name !== ITEM_EMBEDDING_WEIGHT);
    const variables = [...weights.map(([, w]) => w), ...(itemRows === null ? [] : [itemRows])];
    const options = {
      training: true,
      ...(itemRows === null ? {} : { itemTable: itemRows as tf.Tensor as tf.Tensor2D }),
    };
    const scaledLoss = (): tf.Scalar => {
      const loss = trainingLoss(model, tensors, objective.loss, options);
      return lossScale === 1 ? loss : tf.mul(loss, lossScale); // variableGrads disposes `loss`
    };
    const { value, grads } = tf.variableGrads(scaledLoss, variables);
    const dense = new Map<string, tf.Tensor>();
    for (const [name, w] of weights) {
      const g = grads[w.name];
      if (g !== undefined) dense.set(name, g);
    }
    const rows = new Map<string, RowGradient>();
    const rowGrad = itemRows === null ? undefined : grads[itemRows.name];
    if (read !== null && rowGrad !== undefined) {
      const d = table.shape[1] as number;
      // Row 0 is padding (index 0): never a class, and its lookups pass no gradient.
      rows.set(ITEM_EMBEDDING_WEIGHT, {
        ids: read.ids.subarray(1),
        values: (rowGrad.dataSync() as Float32Array).slice(d),
      });
    }
    rowGrad?.dispose();
    return {
      value,
      dense,
      rows,
      dispose: () => {
        value.dispose();
        tf.dispose([...dense.values()]);
      },
    };
  } finally {
    itemRows?.dispose();
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
