/**
 * A gradient worker of data-parallel training (worker_threads; started by DataParallel).
 *
 * It owns a tfjs backend instance of its own (`initBackend` with the main thread's backend) and
 * a replica of the model (createModel with the run's config and seed, so its dropout seed stream
 * is the main thread's) and the run's loss. Per step it receives the current weights, the step's dropout state and
 * its row shard, and answers the shard's loss, target count and gradients (buffer transferred).
 * It never updates weights itself: the main thread applies Adam and sends the new weights with
 * the next step, so every replica computes with exactly the main thread's parameters.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { TrainBatch } from '@seqrec/data';
import { createModel, type LossConfig, type ModelConfig, type SequentialRecommender } from '@seqrec/models';
import { initBackend, tf, type BackendRequest } from '@seqrec/runtime';
import { checksum, readWeights, shardGradients, writeWeights } from './shardGradients';
import type { StepNegatives } from './stepNegatives';

/** workerData of a gradient worker. */
export interface GradientWorkerData {
  /** The main thread's backend, pinned (the same tfjs backend on every replica). */
  backend: Omit<BackendRequest, 'log'>;
  config: ModelConfig;
  seed: number;
  /** The run's loss (@seqrec/models `LossConfig`). */
  loss: LossConfig;
}

/** Messages main -> worker. */
export type ToGradientWorker =
  | {
      type: 'step';
      weights: Float32Array;
      rngState: number;
      shard: TrainBatch;
      rowOffset: number;
      /** The step's shared negatives, target log Q cut to the shard (null for bce and ce). */
      negatives: StepNegatives | null;
    }
  | { type: 'checksum' };

/** Messages worker -> main. */
export type FromGradientWorker =
  | { type: 'ready'; backend: string }
  | { type: 'grads'; loss: number; count: number; grads: Float32Array; missing: number[] }
  | { type: 'checksum'; value: number }
  | { type: 'error'; message: string; stack?: string };

const port = parentPort;
if (port !== null) {
  const data = workerData as GradientWorkerData;
  const post = (msg: FromGradientWorker, transfer: ArrayBuffer[] = []) => port.postMessage(msg, transfer);
  let model: SequentialRecommender | null = null;
  const handle = (msg: ToGradientWorker): void => {
    const m = model as SequentialRecommender;
    if (msg.type === 'checksum') {
      post({ type: 'checksum', value: checksum(readWeights(m)) });
      return;
    }
    writeWeights(m, msg.weights);
    const r = shardGradients(m, msg.shard, msg.rowOffset, msg.rngState, { loss: data.loss, negatives: msg.negatives });
    post({ type: 'grads', loss: r.loss, count: r.count, grads: r.grads, missing: r.missing }, [
      r.grads.buffer as ArrayBuffer,
    ]);
  };
  // Messages are handled strictly in order, after initialisation; the first failure is reported
  // and ends the worker's usefulness (the main thread then shuts every worker down).
  let chain: Promise<void> = (async () => {
    await initBackend(data.backend);
    model = createModel(data.config, { seed: data.seed });
    post({ type: 'ready', backend: tf.getBackend() });
  })();
  let failed = false;
  const fail = (err: unknown) => {
    failed = true;
    const e = err instanceof Error ? err : new Error(String(err));
    post({ type: 'error', message: e.message, stack: e.stack });
  };
  chain = chain.catch(fail);
  port.on('message', (msg: ToGradientWorker) => {
    chain = chain.then(() => {
      if (failed) return;
      try {
        handle(msg);
      } catch (err) {
        fail(err);
      }
    });
  });
}
