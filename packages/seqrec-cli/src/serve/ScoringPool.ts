/**
 * Scoring threads for the service: `threads` workers (scoringWorker.ts), each with its own
 * backend and copy of the model, so that batches compute on several cores and the main thread's
 * event loop stays free to read and queue requests while they do. `score` sends a batch to an
 * idle worker (or waits for one); each worker computes one batch at a time.
 *
 * A worker that dies (a crash in native code, out of memory) fails only the batch it was
 * computing; a new worker with the same weights replaces it while the others go on. Repeated
 * deaths (more than `MAX_RESTARTS` within `RESTART_WINDOW_MS`) point at a cause a restart does not
 * fix: the pool then closes, and the service answers 500 until the model is reloaded.
 */
import * as path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '@seqrec/files';
import type { Recommendation, SequentialRecommender } from '@seqrec/models';
import type { BackendName } from '@seqrec/runtime';
import type { ScoringRequest } from './scoreRequests';
import type { FromScoringWorker, ScoreBatch, ScoringWorkerData } from './scoringWorker';

interface Task {
  batch: ScoreBatch;
  resolve: (recommendations: Recommendation[]) => void;
  reject: (error: Error) => void;
}

class ScoringThread {
  task: Task | null = null;
  /** False while a replacement worker is starting. */
  ready = true;
  constructor(public worker: Worker) {}
}

export const MAX_RESTARTS = 3;
export const RESTART_WINDOW_MS = 60_000;

let nextBatchId = 0;

export class ScoringPool {
  private readonly waiting: Task[] = [];
  private closed = false;
  private readonly restartTimes: number[] = [];
  /** Workers replaced after a death, over the pool's life. */
  restarts = 0;

  private constructor(private readonly threads: ScoringThread[], private readonly spawn: () => Worker) {
    for (const thread of threads) this.listen(thread);
  }

  private listen(thread: ScoringThread): void {
    const worker = thread.worker;
    // A replaced worker's late events must not touch the thread's new worker.
    const current = () => thread.worker === worker && !this.closed;
    worker.on('message', (msg: FromScoringWorker) => {
      if (current()) this.onMessage(thread, msg);
    });
    worker.on('error', (error) => {
      if (current()) this.onFailure(thread, error);
    });
    worker.on('exit', (code) => {
      if (current()) this.onFailure(thread, new Error(`scoring worker exited with code ${code}`));
    });
  }

  /** Starts `threads` workers with a copy of `model` on `backend` and waits until each is ready. */
  static async start(
    model: SequentialRecommender,
    options: { threads: number; backend: BackendName; users: number },
  ): Promise<ScoringPool> {
    if (!Number.isInteger(options.threads) || options.threads < 1)
      throw new RangeError(`ScoringPool: threads must be an integer >= 1, got ${options.threads}`);
    const data: ScoringWorkerData = {
      backend: options.backend,
      config: model.config,
      seed: model.seed,
      weights: Array.from(model.weights, ([name, w]) => [name, w.dataSync() as Float32Array]),
      users: options.users,
    };
    const file = path.join(__dirname, `scoringWorker${path.extname(__filename)}`);
    const spawn = () => startWorker(file, { workerData: data });
    const workers = Array.from({ length: options.threads }, spawn);
    try {
      await Promise.all(workers.map((w) => untilReady(w)));
    } catch (error) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw error;
    }
    return new ScoringPool(
      workers.map((w) => new ScoringThread(w)),
      spawn,
    );
  }

  get size(): number {
    return this.threads.length;
  }

  /** Top-`k` of each request, computed by one worker as one batch. */
  score(requests: ScoringRequest[], k: number): Promise<Recommendation[]> {
    if (this.closed) return Promise.reject(new Error('ScoringPool: closed'));
    return new Promise<Recommendation[]>((resolve, reject) => {
      this.waiting.push({ batch: { id: nextBatchId++, requests, k }, resolve, reject });
      this.dispatch();
    });
  }

  /** Stops the workers; batches not yet answered are rejected. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const error = new Error('ScoringPool: closed');
    for (const task of this.waiting.splice(0)) task.reject(error);
    for (const thread of this.threads) thread.task?.reject(error);
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
  }

  private dispatch(): void {
    for (const thread of this.threads) {
      if (this.waiting.length === 0) return;
      if (thread.task !== null || !thread.ready) continue;
      const task = this.waiting.shift() as Task;
      thread.task = task;
      thread.worker.postMessage(task.batch);
    }
  }

  private onMessage(thread: ScoringThread, msg: FromScoringWorker): void {
    const task = thread.task;
    if (msg.type === 'ready' || task === null) return;
    thread.task = null;
    if (msg.type === 'scored') task.resolve(msg.recommendations);
    else task.reject(Object.assign(new Error(`scoring worker: ${msg.message}`), { stack: msg.stack }));
    this.dispatch();
  }

  /** A worker that died: its batch fails, and a new worker takes its place (see the file comment). */
  private onFailure(thread: ScoringThread, error: Error): void {
    thread.task?.reject(error);
    thread.task = null;
    thread.ready = false;
    const dead = thread.worker;
    void dead.terminate();
    const now = Date.now();
    while (this.restartTimes.length > 0 && now - (this.restartTimes[0] as number) > RESTART_WINDOW_MS)
      this.restartTimes.shift();
    if (this.restartTimes.length >= MAX_RESTARTS) {
      void this.close();
      return;
    }
    this.restartTimes.push(now);
    const fresh = this.spawn();
    thread.worker = fresh;
    untilReady(fresh).then(
      () => {
        if (this.closed || thread.worker !== fresh) return;
        this.restarts++;
        thread.ready = true;
        this.listen(thread);
        this.dispatch();
      },
      () => {
        if (!this.closed) void this.close();
      },
    );
  }
}

function untilReady(worker: Worker): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onMessage = (msg: FromScoringWorker) => {
      if (msg.type === 'ready') done(null);
      else if (msg.type === 'failed') done(new Error(`scoring worker failed to start: ${msg.message}`));
    };
    const onError = (error: Error) => done(error);
    const onExit = (code: number) => done(new Error(`scoring worker exited with code ${code} before it was ready`));
    const done = (error: Error | null) => {
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      if (error === null) resolve();
      else reject(error);
    };
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
  });
}
