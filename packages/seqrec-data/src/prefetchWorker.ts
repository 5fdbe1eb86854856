/**
 * Worker side of PrefetchSampler (worker_threads). Receives the packed split once (workerData),
 * then runs epochs as the main thread issues their seeds, producing batches only while it holds
 * credits, so at most `capacity` batches wait in the main thread's queue. Batch buffers are
 * transferred, not copied.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type PackedSplit } from './packSplit';
import { Random } from './Random';
import { type EpochPlan, type TrainBatch, trainEpoch } from './trainEpoch';

/** Messages main -> worker. */
export type ToWorker = { type: 'epoch'; seed: number } | { type: 'credit'; n: number };
/** Messages worker -> main. */
export type FromWorker = { type: 'batch'; batch: TrainBatch } | { type: 'error'; message: string; stack?: string };
export interface PrefetchWorkerData {
  packed: PackedSplit;
  rows: Int32Array;
  plan: EpochPlan;
}

const port = parentPort;
if (port !== null) {
  const { packed, rows, plan } = workerData as PrefetchWorkerData;
  const epochs: Iterator<TrainBatch>[] = [];
  let credits = 0;
  let failed = false;

  const pump = (): void => {
    try {
      while (credits > 0 && epochs.length > 0 && !failed) {
        const next = epochs[0].next();
        if (next.done === true) {
          epochs.shift();
          continue;
        }
        credits--;
        const b = next.value;
        const transfer = [b.users.buffer, b.seq.buffer, b.pos.buffer, b.neg.buffer];
        if (b.rel !== null) transfer.push(b.rel.buffer);
        if (b.segments !== null) transfer.push(b.segments.buffer);
        port.postMessage({ type: 'batch', batch: b } satisfies FromWorker, transfer as ArrayBuffer[]);
      }
    } catch (err) {
      failed = true;
      const e = err instanceof Error ? err : new Error(String(err));
      port.postMessage({ type: 'error', message: e.message, stack: e.stack } satisfies FromWorker);
    }
  };

  port.on('message', (msg: ToWorker) => {
    if (msg.type === 'epoch') epochs.push(trainEpoch(packed, rows, plan, new Random(msg.seed)));
    else credits += msg.n;
    pump();
  });
}
