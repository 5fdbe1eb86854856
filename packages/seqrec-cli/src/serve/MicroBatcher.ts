/**
 * Micro-batching: requests that arrive while the previous batch runs, or within `maxWaitMs` of
 * the first queued one, are answered by one call of `runBatch` (one forward pass), which is far
 * cheaper per request than one pass each. At most `maxBatch` requests go into one call; at most
 * `concurrency` calls run at a time (one per scoring thread), so a burst forms the next batch
 * while the current ones compute.
 */
export interface MicroBatcherOptions {
  /** Most requests per `runBatch` call. */
  maxBatch: number;
  /** Longest wait of the first queued request for more to join its batch. */
  maxWaitMs: number;
  /** Most `runBatch` calls at a time. Default 1. */
  concurrency?: number;
}

/** What the batcher has done so far (the service reports it in /v1/health). */
export interface BatchingStats {
  batches: number;
  requests: number;
  largest: number;
}

interface Pending<Req, Res> {
  request: Req;
  resolve: (result: Res) => void;
  reject: (error: unknown) => void;
}

export class MicroBatcher<Req, Res> {
  private queue: Pending<Req, Res>[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running = 0;
  private readonly concurrency: number;
  private readonly counts: BatchingStats = { batches: 0, requests: 0, largest: 0 };

  /** `runBatch(requests)` must return one result per request, in order. */
  constructor(
    private readonly runBatch: (requests: Req[]) => Promise<Res[]>,
    private readonly options: MicroBatcherOptions,
  ) {
    if (!(options.maxBatch >= 1)) throw new RangeError(`maxBatch must be >= 1, got ${options.maxBatch}`);
    this.concurrency = options.concurrency ?? 1;
    if (!(this.concurrency >= 1)) throw new RangeError(`concurrency must be >= 1, got ${this.concurrency}`);
  }

  get stats(): BatchingStats {
    return { ...this.counts };
  }

  /** Requests waiting for a batch. */
  get pending(): number {
    return this.queue.length;
  }

  submit(request: Req): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      if (this.running >= this.concurrency) return; // a running batch's end starts the next one
      if (this.queue.length >= this.options.maxBatch) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.options.maxWaitMs);
    });
  }

  private flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.running >= this.concurrency || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.options.maxBatch);
    this.running += 1;
    this.counts.batches += 1;
    this.counts.requests += batch.length;
    this.counts.largest = Math.max(this.counts.largest, batch.length);
    let call: Promise<Res[]>;
    try {
      call = this.runBatch(batch.map((p) => p.request));
    } catch (error) {
      call = Promise.reject(error);
    }
    void call
      .then(
        (results) => {
          if (results.length !== batch.length)
            throw new Error(`runBatch returned ${results.length} results for ${batch.length} requests`);
          batch.forEach((p, i) => p.resolve(results[i] as Res));
        },
        (error: unknown) => batch.forEach((p) => p.reject(error)),
      )
      .catch((error: unknown) => batch.forEach((p) => p.reject(error)))
      .finally(() => {
        this.running -= 1;
        // What queued meanwhile goes at once: it has waited for a whole batch already.
        if (this.queue.length > 0) this.flush();
      });
    // Another call may start: at once with a full batch queued, else after the usual wait.
    if (this.queue.length >= this.options.maxBatch) this.flush();
    else if (this.queue.length > 0 && this.running < this.concurrency)
      this.timer ??= setTimeout(() => this.flush(), this.options.maxWaitMs);
  }
}
