/**
 * Data-parallel training on worker_threads (issue "Multi-core training"): wasm and cpu tfjs run
 * on one thread, so with W workers each step's batch is cut into W contiguous row shards; the
 * main thread computes shard 0 and W-1 gradient workers (gradientWorker.ts) the others, at once.
 *
 * Exactness: shard w's loss (any loss of @seqrec/models: each is a mean over target positions;
 * the negatives are drawn once per step and sent to every shard: sampled_softmax's whole, gbce's
 * per-position ones cut to the shard's rows) is its own mean over its N_w target positions (+ the l2Emb term), so
 * the whole batch's gradient is sum_w (N_w / N) grad_w (the l2 term too, as the weights sum to
 * 1), and the loss likewise. Dropout masks are drawn per global row from the dropout state at
 * the start of the step, which every shard replays (ForwardOptions.rowOffset), so a shard gets
 * the masks the whole batch would. The result equals the single-thread step up to float
 * rounding (summation order).
 *
 * Updates: only the main thread runs Adam; it sends the new weights with each worker's next
 * shard. Sending the averaged gradient instead (every replica running Adam) moves the same
 * number of floats (a gradient is the size of the weights) but would replicate the optimizer
 * state, its checkpoints and resume on every worker; this way the main thread's model, optimizer
 * and dropout state are the only state, exactly as with one thread, and checkpoints, resume and
 * evaluation are unchanged. With a lazy item table (embeddingUpdate.ts) the shards still compute
 * the table's dense gradient (the weights go to every worker whole anyway); the main thread keeps
 * the rows the whole step reads (sparseItemRows.ts) and applies lazy Adam to them, the update a
 * single-thread step makes. `verify()` checks that each worker holds bit-for-bit the weights it
 * was last sent (a checksum), and throws if not.
 */
import * as path from 'node:path';
import { type Worker } from 'node:worker_threads';
import { type TrainBatch } from '@seqrec/data';
import { startWorker } from '@seqrec/files';
import {
  DEFAULT_LOSS_CONFIG,
  ITEM_EMBEDDING_WEIGHT,
  type LossConfig,
  type SequentialRecommender,
} from '@seqrec/models';
import { tf, type BackendRequest } from '@seqrec/runtime';
import type { Adam } from './adam';
import type { FromGradientWorker, GradientWorkerData, ToGradientWorker } from './gradientWorker';
import type { RowGradient } from './lazyAdamRows';
import { stepItemIds } from './sparseItemRows';
import {
  checksum,
  readWeights,
  shardBounds,
  shardGradients,
  sliceBatch,
  sliceNegatives,
  type ShardResult,
} from './shardGradients';
import type { StepNegatives } from './stepNegatives';

export interface DataParallelOptions {
  /** Threads computing gradients, the main thread included (>= 2). */
  workers: number;
  /** The backend every worker initialises: the main thread's (e.g. `{ backend: 'wasm' }`). */
  backend: Omit<BackendRequest, 'log'>;
  /** The seed the main thread's model was built with (its dropout seed stream). */
  seed: number;
  /** The run's loss. Default: bce (DEFAULT_LOSS_CONFIG of @seqrec/models). */
  loss?: LossConfig;
}

let live = 0;

/** Gradient worker threads started and not yet exited, in this thread (tests check shutdown). */
export function liveGradientWorkers(): number {
  return live;
}

/** One gradient worker thread and its single outstanding request. */
class RemoteReplica {
  /** The weights it was last sent (for `verify`), or null before its first step. */
  sent: Float32Array | null = null;
  private pending: { resolve: (m: FromGradientWorker) => void; reject: (e: Error) => void } | null = null;
  private failure: Error | null = null;
  /** Resolves when the thread has exited. */
  readonly exited: Promise<void>;

  constructor(private readonly worker: Worker, readonly index: number) {
    live++;
    worker.on('message', (msg: FromGradientWorker) => {
      if (msg.type === 'error') {
        const err = new Error(`gradient worker ${index}: ${msg.message}`);
        err.stack = msg.stack;
        this.fail(err);
        return;
      }
      const p = this.pending;
      this.pending = null;
      p?.resolve(msg);
    });
    worker.on('error', (err) => this.fail(err));
    this.exited = new Promise((resolve) =>
      worker.once('exit', (code) => {
        live--;
        this.fail(new Error(`gradient worker ${index} exited (code ${code})`));
        resolve();
      }),
    );
  }

  /** Waits for the next message (the answer to the last request). */
  next(): Promise<FromGradientWorker> {
    if (this.failure !== null) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
    });
  }

  send(msg: ToGradientWorker, transfer: ArrayBuffer[] = []): void {
    if (this.failure !== null) throw this.failure;
    this.worker.postMessage(msg, transfer);
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
    await this.exited;
  }

  private fail(err: Error): void {
    this.failure ??= err;
    const p = this.pending;
    this.pending = null;
    p?.reject(this.failure);
  }
}

export class DataParallel {
  private closed = false;

  private constructor(
    private readonly model: SequentialRecommender,
    private readonly replicas: RemoteReplica[],
    private readonly loss: LossConfig,
  ) {}

  /** Starts `workers - 1` gradient workers for `model` and waits until each is ready. */
  static async start(model: SequentialRecommender, options: DataParallelOptions): Promise<DataParallel> {
    if (!Number.isInteger(options.workers) || options.workers < 2)
      throw new RangeError(`DataParallel: workers must be an integer >= 2, got ${options.workers}`);
    const loss = options.loss ?? DEFAULT_LOSS_CONFIG;
    const data: GradientWorkerData = { backend: options.backend, config: model.config, seed: options.seed, loss };
    const file = path.join(__dirname, `gradientWorker${path.extname(__filename)}`);
    const replicas = Array.from(
      { length: options.workers - 1 },
      (_, i) => new RemoteReplica(startWorker(file, { workerData: data }), i + 1),
    );
    const parallel = new DataParallel(model, replicas, loss);
    try {
      const mine = tf.getBackend();
      await Promise.all(
        replicas.map(async (r) => {
          const msg = await r.next();
          if (msg.type !== 'ready') throw new Error(`gradient worker ${r.index}: expected 'ready', got '${msg.type}'`);
          if (msg.backend !== mine)
            throw new Error(`gradient worker ${r.index} runs backend '${msg.backend}', the main thread '${mine}'`);
        }),
      );
    } catch (err) {
      await parallel.close();
      throw err;
    }
    return parallel;
  }

  /** Threads computing gradients, the main thread included. */
  get workers(): number {
    return this.replicas.length + 1;
  }

  /**
   * One data-parallel step: the whole batch's loss and gradient from the shards, then (if the
   * loss is finite) one Adam update of the main thread's model with rate `lr`.
   * @param lossScale as `trainStep`'s: the gradient is that of `lossScale * loss`.
   * @param negatives the step's negatives (sampled_softmax: shared, sent to every shard; gbce: per position, cut by rows).
   * @returns the loss value, unscaled (NaN/Infinity means no update was applied), as `trainStep`.
   */
  async step(
    adam: Adam,
    batch: TrainBatch,
    lr: number,
    lossScale = 1,
    negatives: StepNegatives | null = null,
  ): Promise<number> {
    if (this.closed) throw new Error('DataParallel: closed');
    const bounds = shardBounds(batch.size, this.workers);
    const rngState = this.model.getRngState();
    const weights = readWeights(this.model);
    // Post the remote shards first, so the workers compute while this thread does shard 0.
    const asked: Promise<FromGradientWorker>[] = [];
    this.replicas.forEach((r, i) => {
      const [start, end] = [bounds[i + 1] as number, bounds[i + 2] as number];
      if (end === start) return; // a last batch smaller than the worker count
      const shard = sliceBatch(batch, start, end, true);
      const shardNegatives = sliceNegatives(negatives, batch, start, end, true);
      const transfer = [
        shard.seq.buffer,
        shard.pos.buffer,
        shard.neg.buffer,
        ...(shard.rel === null ? [] : [shard.rel.buffer]),
        ...(shard.segments === null ? [] : [shard.segments.buffer]),
      ];
      const reply = r.next();
      r.send(
        { type: 'step', weights, rngState, shard, rowOffset: start, negatives: shardNegatives },
        transfer as ArrayBuffer[],
      );
      r.sent = weights;
      asked.push(reply);
    });
    const remote = Promise.all(asked);
    remote.catch(() => undefined); // observed below; not unhandled if shard 0 throws first
    const results: ShardResult[] = [
      shardGradients(this.model, sliceBatch(batch, 0, bounds[1] as number, false), 0, rngState, {
        loss: this.loss,
        negatives: sliceNegatives(negatives, batch, 0, bounds[1] as number, false),
      }),
    ];
    // The main thread's model has now drawn this step's dropout seeds: its state is the one a
    // single-thread step leaves, so checkpoints and resume see no difference.
    for (const msg of await remote) {
      if (msg.type !== 'grads') throw new Error(`gradient worker: expected 'grads', got '${msg.type}'`);
      results.push(msg);
    }
    const lazyRows = adam.isLazy(ITEM_EMBEDDING_WEIGHT)
      ? stepItemIds(batch, negatives, this.loss.loss).subarray(1) // without padding row 0
      : null;
    return this.apply(adam, results, lr, lossScale, lazyRows);
  }

  /** Throws if any worker's weights differ from those it was last sent (replicas diverged). */
  async verify(): Promise<void> {
    await Promise.all(
      this.replicas.map(async (r) => {
        if (r.sent === null) return;
        const reply = r.next();
        r.send({ type: 'checksum' });
        const msg = await reply;
        const expected = checksum(r.sent);
        if (msg.type !== 'checksum' || msg.value !== expected) {
          throw new Error(
            `gradient worker ${r.index} diverged: its weights' checksum is ${
              msg.type === 'checksum' ? msg.value : '?'
            }, expected ${expected}`,
          );
        }
      }),
    );
  }

  /** Stops every worker thread and waits until they have exited. Safe to call twice. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.replicas.map((r) => r.terminate()));
  }

  /**
   * Count-weighted sum of the shards' gradients (times `lossScale`) and losses, then Adam (if
   * finite); `lazyRows`: the item rows the step read, when Adam updates the item table lazily.
   */
  private apply(
    adam: Adam,
    results: ShardResult[],
    lr: number,
    lossScale: number,
    lazyRows: Int32Array | null,
  ): number {
    const total = results.reduce((n, r) => n + r.count, 0);
    const share = results.map((r) => (total > 0 ? r.count / total : 1 / results.length));
    const loss = results.reduce((sum, r, w) => sum + (share[w] as number) * r.loss, 0);
    if (!Number.isFinite(loss)) return loss;
    const size = (results[0] as ShardResult).grads.length;
    const grads = new Float32Array(size);
    const weight = share.map((x) => x * lossScale);
    for (let i = 0; i < size; i++) {
      let g = 0;
      for (let w = 0; w < results.length; w++)
        g += (weight[w] as number) * ((results[w] as ShardResult).grads[i] as number);
      grads[i] = g;
    }
    // A weight gets no update only if no shard's loss reaches it (structural: same for all).
    const missing = new Set(
      (results[0] as ShardResult).missing.filter((i) => results.every((r) => r.missing.includes(i))),
    );
    const byName = new Map<string, Float32Array>();
    const rowGrads = new Map<string, RowGradient>();
    let offset = 0;
    [...this.model.weights].forEach(([name, w], i) => {
      if (missing.has(i)) {
        // no gradient
      } else if (lazyRows !== null && name === ITEM_EMBEDDING_WEIGHT) {
        const d = w.shape[1] as number;
        const values = new Float32Array(lazyRows.length * d); // [K, d]
        lazyRows.forEach((row, k) => values.set(grads.subarray(offset + row * d, offset + (row + 1) * d), k * d));
        rowGrads.set(name, { ids: lazyRows, values });
      } else {
        byName.set(name, grads.subarray(offset, offset + w.size));
      }
      offset += w.size;
    });
    adam.apply(byName, lr, rowGrads);
    return loss;
  }
}
