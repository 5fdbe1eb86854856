/**
 * Batched evaluation of a model on the leave-one-out split, under the `sampled` and `full`
 * protocols of spec DATA_AND_EVAL.md §Evaluation. Every result is labelled with its split and
 * protocol.
 *
 * One `scoreAll` per batch serves both protocols: the sampled candidates' scores are gathered
 * from it, so `seqrec eval --protocol sampled` reproduces the numbers of a `both` run exactly.
 * Ranks are counted on the device; only B integers per batch are downloaded.
 */
import { tf } from '@seqrec/runtime';
import {
  Random,
  evalBatches,
  sampleEvalCandidates,
  type Batching,
  type EvalBatch,
  type SplitDataset,
  type TimeOptions,
} from '@seqrec/data';
import { timeSettings, type ModelConfig, type SequentialRecommender } from '@seqrec/models';
import { TRAIN_DEFAULTS } from './defaults';
import { MetricAccumulator, type Metrics } from './metrics';
import { fullRanks, sampledRanks } from './rank';

/** Interval settings of TiSASRec (spec DATA_AND_EVAL.md §Time intervals): {unit, span}. */
export type TimeSettings = TimeOptions;

export type Protocol = 'sampled' | 'full';
export type SplitName = 'valid' | 'test';
export const PROTOCOLS: readonly Protocol[] = ['sampled', 'full'];
export const SPLITS: readonly SplitName[] = ['valid', 'test'];

export interface EvalOptions {
  /** Protocols, in order; the first one selects the best checkpoint. Default ['sampled', 'full']. */
  protocols?: readonly Protocol[];
  /** Default ['valid', 'test']. */
  splits?: readonly SplitName[];
  /** Cut-offs K of NDCG@K and HR@K. Default [10]. */
  ks?: readonly number[];
  /** Window length. Default: the model's maxlen. */
  maxlen?: number;
  /** Users per forward pass. Default 128. */
  batchSize?: number;
  /** At most this many users are evaluated (a seeded sample, same users for every protocol). Default 10000. */
  evalUsers?: number;
  /** Negatives per user of the sampled protocol. Default 100. */
  numNegatives?: number;
  /** Seeds the user sample and the negatives; the same seed gives the same numbers. Default 42. */
  seed?: number;
  /** Time-interval settings (TiSASRec), or null for SASRec. */
  time: TimeSettings | null;
  /** Group users of similar length into a batch (exact, see MODEL.md §Inputs). Default true. */
  bucketing?: boolean;
  /**
   * Receives every batch's per-user ranks (0 = best, tie-pessimistic) with the users' dense ids,
   * e.g. to compare two models user by user (`seqrec eval --ranks_out`).
   */
  onRanks?: (split: SplitName, protocol: Protocol, users: Int32Array, ranks: ArrayLike<number>) => void;
}

/** One labelled result: e.g. {split:'valid', protocol:'full', users: 943, metrics:{'NDCG@10':..}}. */
export interface EvalRecord {
  split: SplitName;
  protocol: Protocol;
  /** Users evaluated. */
  users: number;
  metrics: Metrics;
}

/** The evaluation settings of a training run (a subset of its train options). */
export interface RunEvalSettings {
  evalProtocols?: readonly Protocol[];
  ks: readonly number[];
  evalBatchSize: number;
  evalUsers: number;
  seed: number;
  batching: Batching;
}

/**
 * The evaluation of a run's model, as the trainer evaluates it (so `seqrec eval` reproduces the
 * recorded metrics): window and intervals from the model, the rest from the run's settings.
 */
export function runEvalOptions(config: ModelConfig, run: RunEvalSettings): EvalOptions {
  return {
    protocols: run.evalProtocols,
    ks: run.ks,
    batchSize: run.evalBatchSize,
    evalUsers: run.evalUsers,
    seed: run.seed,
    time: timeSettings(config),
    // Evaluation batches are exact under any layout; only the reference's own layout pads them.
    bucketing: run.batching !== 'random',
  };
}

/** Tensors of an eval batch (the caller disposes). */
function toTensors(batch: EvalBatch): { seq: tf.Tensor2D; rel: tf.Tensor3D | null } {
  const seq = tf.tensor2d(batch.seq, [batch.size, batch.length], 'int32');
  const rel = batch.rel === null ? null : tf.tensor3d(batch.rel, [batch.size, batch.length, batch.length], 'int32');
  return { seq, rel };
}

/** Evaluates `model` on every requested split and protocol. */
export async function evaluate(
  model: SequentialRecommender,
  split: SplitDataset,
  options: EvalOptions,
): Promise<EvalRecord[]> {
  const protocols = options.protocols ?? TRAIN_DEFAULTS.evalProtocols;
  const ks = options.ks ?? TRAIN_DEFAULTS.ks;
  const seed = options.seed ?? TRAIN_DEFAULTS.seed;
  const records: EvalRecord[] = [];
  for (const [splitIndex, splitName] of (options.splits ?? SPLITS).entries()) {
    // A fresh generator per split: the negatives do not depend on what was evaluated before.
    const rng = new Random(seed + 7919 * (splitIndex + 1));
    const acc = new Map<Protocol, MetricAccumulator>(protocols.map((p) => [p, new MetricAccumulator(ks)]));
    const batches = evalBatches(split, {
      split: splitName,
      maxlen: options.maxlen ?? model.config.maxlen,
      batchSize: options.batchSize ?? TRAIN_DEFAULTS.batchSize,
      bucketing: options.bucketing ?? true,
      time: options.time,
      evalUsers: options.evalUsers ?? TRAIN_DEFAULTS.evalUsers,
      seed,
    });
    for (const batch of batches) {
      const candidates = protocols.includes('sampled')
        ? sampleEvalCandidates(split, batch, splitName, options.numNegatives ?? TRAIN_DEFAULTS.evalNegatives, rng)
        : null;
      const ranks = tf.tidy(() => {
        const { seq, rel } = toTensors(batch);
        const scores = model.scoreAll({ seq, rel });
        // A plain object (tidy keeps tensors returned in objects, not in Maps).
        const out: Partial<Record<Protocol, tf.Tensor1D>> = {};
        if (candidates !== null) {
          // Gather from the flattened scores (gather with batchDims is broken on tfjs-backend-wasm 4.22).
          const width = scores.shape[1];
          const perRow = candidates.length / batch.size;
          const flat = candidates.map((item, i) => item + Math.floor(i / perRow) * width);
          const picked = tf.gather(tf.reshape(scores, [-1]), tf.tensor1d(flat, 'int32'));
          out.sampled = sampledRanks(tf.reshape(picked, [batch.size, perRow]) as tf.Tensor2D);
        }
        if (protocols.includes('full')) out.full = fullRanks(scores, batch.targets, batch.seen);
        return out;
      });
      for (const protocol of protocols) {
        const tensor = ranks[protocol] as tf.Tensor1D;
        const values = await tensor.data();
        tensor.dispose();
        (acc.get(protocol) as MetricAccumulator).add(values);
        options.onRanks?.(splitName, protocol, batch.users, values);
      }
    }
    for (const protocol of protocols) {
      const a = acc.get(protocol) as MetricAccumulator;
      records.push({ split: splitName, protocol, users: a.count, metrics: a.mean() });
    }
  }
  return records;
}
