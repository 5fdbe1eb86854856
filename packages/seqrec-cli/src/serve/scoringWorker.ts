/**
 * A scoring thread of the service (worker_threads; started by ScoringPool). It owns a tfjs
 * backend instance of its own (the main thread's backend, pinned) and a copy of the served
 * model (its config, seed and weights, sent at start), and answers micro-batches with
 * `scoreRequests` (known users' features cached in the worker). The forward pass of a batch then blocks this thread, not the
 * main thread's event loop, which keeps reading, validating and queueing requests meanwhile.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createModel, type ModelConfig, type Recommendation, type SequentialRecommender } from '@seqrec/models';
import { initBackend, tf, type BackendName } from '@seqrec/runtime';
import { scoreRequests, type ScoringRequest } from './scoreRequests';
import { UserFeatureCache } from './UserFeatureCache';

/** workerData of a scoring worker. */
export interface ScoringWorkerData {
  backend: BackendName;
  config: ModelConfig;
  seed: number;
  /** Every weight by name (ModelWeights order). The config holds everything else scoring needs (the time unit too). */
  weights: [string, Float32Array][];
  /** Known users (dense ids 1..users), for the feature cache. */
  users: number;
}

/** Messages main -> worker. */
export interface ScoreBatch {
  id: number;
  requests: ScoringRequest[];
  k: number;
}

/** Messages worker -> main. */
export type FromScoringWorker =
  | { type: 'ready' }
  | { type: 'scored'; id: number; recommendations: Recommendation[] }
  | { type: 'failed'; id: number | null; message: string; stack?: string };

function modelFrom(data: ScoringWorkerData): SequentialRecommender {
  const model = createModel(data.config, { seed: data.seed });
  const weights = new Map(data.weights);
  tf.tidy(() => {
    for (const [name, variable] of model.weights) {
      const values = weights.get(name);
      if (values === undefined || values.length !== variable.size)
        throw new Error(`scoring worker: weight '${name}' is missing or has the wrong size`);
      variable.assign(tf.tensor(values, variable.shape, 'float32'));
    }
  });
  return model;
}

const port = parentPort;
if (port !== null) {
  const data = workerData as ScoringWorkerData;
  const post = (msg: FromScoringWorker, transfer: ArrayBuffer[] = []) => port.postMessage(msg, transfer);
  const failure = (id: number | null, error: unknown): FromScoringWorker => {
    const e = error instanceof Error ? error : new Error(String(error));
    return { type: 'failed', id, message: e.message, stack: e.stack };
  };
  const ready = (async () => {
    await initBackend({ backend: data.backend });
    const model = modelFrom(data);
    return { model, cache: new UserFeatureCache(data.users, model.config.hiddenUnits) };
  })();
  ready.then(
    () => post({ type: 'ready' }),
    (error: unknown) => post(failure(null, error)),
  );
  // One batch at a time: the pool sends a worker its next batch only after the previous answer.
  port.on('message', (batch: ScoreBatch) => {
    void ready
      .then(({ model, cache }) => scoreRequests(model, cache, batch.requests, batch.k))
      .then(
        (recommendations) =>
          post(
            { type: 'scored', id: batch.id, recommendations },
            recommendations.flatMap((r) => [r.items.buffer as ArrayBuffer, r.scores.buffer as ArrayBuffer]),
          ),
        (error: unknown) => post(failure(batch.id, error)),
      );
  });
}
