/**
 * TrainSampler: seeded, resumable training sampler (spec DATA_AND_EVAL.md §Training samples):
 * one sample per user with >= 2 train items per epoch. Batches come from trainEpoch.ts.
 *
 * Each epoch draws one uint32 from the sampler's RNG and runs on its own generator seeded by it,
 * so the state between epochs is just {epoch, rng} and a restored sampler continues identically,
 * whether or not the previous epoch was iterated to the end.
 */
import { type PackedSplit, packSplit } from './packSplit';
import { Random, type RandomState } from './Random';
import { type SplitDataset } from './leaveOneOutSplit';
import { type TimeOptions } from './timeIntervals';
import {
  BATCHINGS,
  type Batching,
  type EpochPlan,
  type TrainBatch,
  epochPositions,
  trainEpoch,
  trainableRows,
} from './trainEpoch';

export interface SamplerOptions {
  /** Maximum window length (spec `maxlen`); the newest `maxlen` positions of a sequence are kept. */
  maxlen: number;
  /** Users per batch (B); the last batch of an epoch may be smaller. */
  batchSize: number;
  /** Seed of the sampler's RNG (spec `--seed`). */
  seed: number;
  /** How users are drawn into batches and laid out in rows (see BATCHINGS). */
  batching: Batching;
  /** Interval options when the model is time-aware (batches then carry `rel`), else null. */
  time: TimeOptions | null;
}

/** Saved sampler state: the number of epochs started and the RNG state after them. */
export interface SamplerState {
  epoch: number;
  rng: RandomState;
}

export function checkSamplerOptions(o: SamplerOptions, where: string): void {
  if (!Number.isInteger(o.maxlen) || o.maxlen < 1)
    throw new RangeError(`${where}: maxlen must be an integer >= 1, got ${o.maxlen}`);
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1)
    throw new RangeError(`${where}: batchSize must be an integer >= 1, got ${o.batchSize}`);
  if (!Number.isFinite(o.seed)) throw new RangeError(`${where}: seed must be a finite number, got ${o.seed}`);
  if (!(BATCHINGS as readonly string[]).includes(o.batching))
    throw new RangeError(`${where}: batching must be one of ${BATCHINGS.join(', ')}, got ${String(o.batching)}`);
}

/**
 * What the trainer needs of a sampler: `TrainSampler` (batches on this thread) and
 * `PrefetchSampler` of `@seqrec/data/node` (the same batches from a worker thread).
 */
export interface BatchSampler {
  /** Batches per epoch. */
  readonly stepsPerEpoch: number;
  /** Target positions (pos != 0) of one epoch, summed over its batches. */
  readonly positionsPerEpoch: number;
  /** The next epoch's batches; advances the state by one epoch at once. */
  epoch(): Iterable<TrainBatch> | AsyncIterable<TrainBatch>;
  getState(): SamplerState;
  setState(state: SamplerState): void;
  /** Releases what the sampler holds (a worker thread); it stays usable. */
  close(): Promise<void>;
}

export class TrainSampler implements BatchSampler {
  private readonly packed: PackedSplit;
  private readonly rows: Int32Array;
  private readonly plan: EpochPlan;
  private rng: Random;
  private epochIndex = 0;

  constructor(split: SplitDataset, options: SamplerOptions) {
    checkSamplerOptions(options, 'TrainSampler');
    this.packed = packSplit(split, options.time, 'TrainSampler');
    this.rows = trainableRows(this.packed);
    this.plan = {
      maxlen: options.maxlen,
      batchSize: options.batchSize,
      batching: options.batching,
      timeAware: options.time !== null,
    };
    this.rng = new Random(options.seed);
  }

  /** Batches per epoch: ceil(trainable users / batchSize). */
  get stepsPerEpoch(): number {
    return Math.ceil(this.rows.length / this.plan.batchSize);
  }

  /** Target positions (pos != 0) of one epoch, summed over its batches. */
  get positionsPerEpoch(): number {
    return epochPositions(this.packed, this.rows, this.plan.maxlen);
  }

  /** Users that yield a training sample (train length >= 2). */
  get numTrainUsers(): number {
    return this.rows.length;
  }

  /** The next epoch's batches (lazy). Calling this advances the state by one epoch at once. */
  epoch(): Iterable<TrainBatch> {
    const epochRng = new Random(this.rng.nextUint32());
    this.epochIndex++;
    return trainEpoch(this.packed, this.rows, this.plan, epochRng);
  }

  getState(): SamplerState {
    return { epoch: this.epochIndex, rng: this.rng.getState() };
  }

  /** Nothing to release (no worker): part of {@link BatchSampler}. */
  async close(): Promise<void> {}

  setState(state: SamplerState): void {
    if (!Number.isInteger(state?.epoch) || state.epoch < 0)
      throw new TypeError(`TrainSampler.setState: bad epoch ${JSON.stringify(state?.epoch)}`);
    this.rng = Random.fromState(state.rng);
    this.epochIndex = state.epoch;
  }
}
