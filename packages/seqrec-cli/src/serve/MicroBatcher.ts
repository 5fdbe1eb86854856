/**
 * Micro-batching: requests that arrive while the previous batch runs, or within `maxWaitMs` of
 * the first queued one, are answered by one call of `runBatch` (one forward pass), which is far
 * cheaper per request than one pass each. At most `maxBatch` requests go into one call; at most
 * one call runs at a time, so a burst forms the next batch while the current one computes.
 */
export interface MicroBatcherOptions {
  /** Most requests per `runBatch` call. */
  maxBatch: number;
  /** Longest wait of the first queued request for more to join its batch. */
  maxWaitMs: number;
}

interface Pending<Req, Res> {
  request: Req;
  resolve: (result: Res) => void;
  reject: (error: unknown) => void;
}

export class MicroBatcher<Req, Res> {
  private queue: Pending<Req, Res>[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running: Promise<void> | null = null;

  /** `runBatch(requests)` must return one result per request, in order. */
  constructor(
    private readonly runBatch: (requests: Req[]) => Promise<Res[]>,
    private readonly options: MicroBatcherOptions,
  ) {
    if (!(options.maxBatch >= 1)) throw new RangeError(`maxBatch must be >= 1, got ${options.maxBatch}`);
  }

  /** Requests waiting for a batch. */
  get pending(): number {
    return this.queue.length;
  }

  submit(request: Req): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      if (this.running !== null) return; // the running batch's end starts the next one
      if (this.queue.length >= this.options.maxBatch) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.options.maxWaitMs);
    });
  }

  private flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.running !== null || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.options.maxBatch);
    this.running = this.runBatch(batch.map((p) => p.request)).then(
      (results) => {
        if (results.length !== batch.length)
          throw new Error(`runBatch returned ${results.length} results for ${batch.length} requests`);
        batch.forEach((p, i) => p.resolve(results[i] as Res));
      },
      (error: unknown) => batch.forEach((p) => p.reject(error)),
    );
    this.running
      .catch((error: unknown) => batch.forEach((p) => p.reject(error)))
      .finally(() => {
        this.running = null;
        // What queued meanwhile goes at once: it has waited for a whole batch already.
        if (this.queue.length > 0) this.flush();
      });
  }
}
