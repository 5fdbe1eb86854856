/**
 * PrefetchSampler: TrainSampler run ahead in a worker_threads worker, so the trainer never waits
 * for batches. Same options, same state, and exactly the same batches as TrainSampler for the same
 * seed and state (both run trainEpoch.ts on an epoch generator seeded the same way).
 *
 * The worker fills a bounded queue of `capacity` batches and keeps going across epoch boundaries:
 * as soon as epoch k starts, the seed of epoch k+1 is computed (from a copy of the RNG) and sent.
 * Abandoning an epoch early, or setState, restarts the worker from the current state.
 */
import * as path from 'node:path';
import { type Worker } from 'node:worker_threads';
import { type SplitDataset } from './leaveOneOutSplit';
import { packSplit } from './packSplit';
import { type FromWorker, type PrefetchWorkerData, type ToWorker } from './prefetchWorker';
import { Random } from './Random';
import { startWorker } from '@seqrec/files';
import { type BatchSampler, type SamplerOptions, type SamplerState, checkSamplerOptions } from './TrainSampler';
import { type TrainBatch, epochPositions, trainableRows } from './trainEpoch';

export interface PrefetchOptions {
  /** Batches produced ahead of the consumer (queue bound). Default 4. */
  capacity?: number;
}

/** Starts the worker (from TypeScript sources under jest; see startWorker.ts). */
function spawnWorker(data: PrefetchWorkerData): Worker {
  return startWorker(path.join(__dirname, `prefetchWorker${path.extname(__filename)}`), { workerData: data });
}

/**
 * Re-views the transferred buffers with this module's typed-array constructors (zero copy).
 * Structured clone builds the arrays in the thread's main realm; under a sandbox such as jest's
 * vm context those would fail `instanceof Int32Array` checks (e.g. in tfjs) of the consumer.
 */
function adopt(b: TrainBatch): TrainBatch {
  const view = (a: Int32Array): Int32Array => new Int32Array(a.buffer, a.byteOffset, a.length);
  return {
    users: view(b.users),
    size: b.size,
    length: b.length,
    seq: view(b.seq),
    pos: view(b.pos),
    neg: view(b.neg),
    rel: b.rel === null ? null : view(b.rel),
    segments: b.segments === null ? null : view(b.segments),
  };
}

export class PrefetchSampler implements BatchSampler {
  private readonly data: PrefetchWorkerData;
  private readonly capacity: number;
  private rng: Random;
  private epochIndex = 0;
  private worker: Worker | null = null;
  /** Seeds sent to the worker whose epochs have not been started by the consumer yet. */
  private ahead: number[] = [];
  private readonly queue: TrainBatch[] = [];
  private waiter: { resolve: (b: TrainBatch) => void; reject: (e: Error) => void } | null = null;
  private failure: Error | null = null;
  private generation = 0;
  /** Batches of the current epoch the consumer has not taken yet. */
  private outstanding = 0;

  constructor(split: SplitDataset, options: SamplerOptions, prefetch: PrefetchOptions = {}) {
    checkSamplerOptions(options, 'PrefetchSampler');
    const packed = packSplit(split, options.time, 'PrefetchSampler');
    this.data = {
      packed,
      rows: trainableRows(packed),
      plan: {
        maxlen: options.maxlen,
        batchSize: options.batchSize,
        batching: options.batching,
        timeAware: options.time !== null,
      },
    };
    this.capacity = prefetch.capacity ?? 4;
    if (!Number.isInteger(this.capacity) || this.capacity < 1)
      throw new RangeError(`PrefetchSampler: capacity must be an integer >= 1, got ${this.capacity}`);
    this.rng = new Random(options.seed);
  }

  get stepsPerEpoch(): number {
    return Math.ceil(this.data.rows.length / this.data.plan.batchSize);
  }

  /** Target positions (pos != 0) of one epoch, summed over its batches. */
  get positionsPerEpoch(): number {
    return epochPositions(this.data.packed, this.data.rows, this.data.plan.maxlen);
  }

  /** The next epoch's batches. Advances the state by one epoch at once, like TrainSampler.epoch(). */
  epoch(): AsyncIterable<TrainBatch> {
    const seed = this.rng.nextUint32();
    this.epochIndex++;
    // Reuse the worker only if it is exactly at the start of this epoch: nothing of an earlier
    // epoch left unconsumed, and this epoch's seed already issued.
    if (this.worker !== null && this.outstanding === 0 && this.ahead[0] === seed) {
      this.ahead.shift();
    } else {
      this.restart();
      this.send({ type: 'epoch', seed });
    }
    this.outstanding = this.stepsPerEpoch;
    // Run ahead into the next epoch: its seed is the next draw of the RNG as it stands now.
    const nextSeed = Random.fromState(this.rng.getState()).nextUint32();
    this.ahead.push(nextSeed);
    this.send({ type: 'epoch', seed: nextSeed });
    return this.consume(++this.generation);
  }

  getState(): SamplerState {
    return { epoch: this.epochIndex, rng: this.rng.getState() };
  }

  setState(state: SamplerState): void {
    if (!Number.isInteger(state?.epoch) || state.epoch < 0)
      throw new TypeError(`PrefetchSampler.setState: bad epoch ${JSON.stringify(state?.epoch)}`);
    this.rng = Random.fromState(state.rng);
    this.epochIndex = state.epoch;
    void this.stopWorker();
  }

  /** Stops the worker. The sampler can still be used afterwards (a new worker starts). */
  async close(): Promise<void> {
    await this.stopWorker();
  }

  private async *consume(generation: number): AsyncGenerator<TrainBatch> {
    const steps = this.stepsPerEpoch;
    let consumed = 0;
    this.worker?.ref();
    try {
      while (consumed < steps) {
        if (generation !== this.generation)
          throw new Error('PrefetchSampler: this epoch was superseded by a later epoch() or setState()');
        const batch = await this.take();
        consumed++;
        this.outstanding--;
        this.send({ type: 'credit', n: 1 });
        yield batch;
      }
    } finally {
      if (generation === this.generation) {
        if (consumed < steps) await this.stopWorker(); // the worker is mid-epoch: start over next time
        else this.worker?.unref(); // idle between epochs must not keep the process alive
      }
    }
  }

  private take(): Promise<TrainBatch> {
    if (this.failure !== null) return Promise.reject(this.failure);
    const b = this.queue.shift();
    if (b !== undefined) return Promise.resolve(b);
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  private restart(): void {
    void this.stopWorker();
    const worker = spawnWorker(this.data);
    worker.on('message', (msg: FromWorker) => {
      if (worker !== this.worker) return;
      if (msg.type === 'batch') {
        const w = this.waiter;
        this.waiter = null;
        const batch = adopt(msg.batch);
        if (w !== null) w.resolve(batch);
        else this.queue.push(batch);
      } else {
        const err = new Error(`PrefetchSampler worker: ${msg.message}`);
        err.stack = msg.stack;
        this.fail(err);
      }
    });
    worker.on('error', (err) => {
      if (worker === this.worker) this.fail(err);
    });
    this.worker = worker;
    this.failure = null;
    this.ahead = [];
    this.send({ type: 'credit', n: this.capacity });
  }

  private fail(err: Error): void {
    this.failure = err;
    const w = this.waiter;
    this.waiter = null;
    w?.reject(err);
  }

  private send(msg: ToWorker): void {
    this.worker?.postMessage(msg);
  }

  private async stopWorker(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.ahead = [];
    this.outstanding = 0;
    this.queue.length = 0;
    this.waiter?.reject(new Error('PrefetchSampler: stopped'));
    this.waiter = null;
    if (worker !== null) await worker.terminate();
  }
}

/** Shorthand for `new PrefetchSampler(split, options, prefetch)`. */
export function prefetch(
  split: SplitDataset,
  options: SamplerOptions,
  prefetchOptions: PrefetchOptions = {},
): PrefetchSampler {
  return new PrefetchSampler(split, options, prefetchOptions);
}
