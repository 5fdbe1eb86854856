import { MicroBatcher } from './MicroBatcher';

function recordingBatcher(maxBatch: number, maxWaitMs = 5) {
  const calls: number[][] = [];
  let release: (() => void) | null = null;
  let hold = false;
  const batcher = new MicroBatcher<number, number>(
    async (requests) => {
      calls.push(requests);
      if (hold) await new Promise<void>((r) => (release = r));
      if (requests.includes(-1)) throw new Error('bad batch');
      return requests.map((x) => x * 10);
    },
    { maxBatch, maxWaitMs },
  );
  return {
    batcher,
    calls,
    holdNext: () => (hold = true),
    releaseHeld: () => {
      hold = false;
      (release as (() => void) | null)?.();
    },
  };
}

it('answers requests that arrive together with one call, in order', async () => {
  const { batcher, calls } = recordingBatcher(64);
  const results = await Promise.all([1, 2, 3, 4, 5].map((x) => batcher.submit(x)));
  expect(results).toEqual([10, 20, 30, 40, 50]);
  expect(calls).toEqual([[1, 2, 3, 4, 5]]);
});

it('never puts more than maxBatch requests into one call', async () => {
  const { batcher, calls } = recordingBatcher(4);
  const results = await Promise.all(Array.from({ length: 10 }, (_, i) => batcher.submit(i)));
  expect(results).toEqual(Array.from({ length: 10 }, (_, i) => i * 10));
  expect(calls.map((c) => c.length)).toEqual([4, 4, 2]);
});

it('queues requests that arrive while a batch runs into the next batch', async () => {
  const { batcher, calls, holdNext, releaseHeld } = recordingBatcher(64, 0);
  holdNext();
  const first = batcher.submit(1);
  await new Promise((r) => setTimeout(r, 20)); // the first batch is running (held)
  const later = [2, 3, 4].map((x) => batcher.submit(x));
  expect(calls).toEqual([[1]]);
  releaseHeld();
  expect(await Promise.all([first, ...later])).toEqual([10, 20, 30, 40]);
  expect(calls).toEqual([[1], [2, 3, 4]]);
});

it('rejects every request of a failed batch, and the next batch still runs', async () => {
  const { batcher } = recordingBatcher(64);
  const failed = await Promise.allSettled([batcher.submit(-1), batcher.submit(2)]);
  expect(failed.map((f) => f.status)).toEqual(['rejected', 'rejected']);
  expect(await batcher.submit(3)).toBe(30);
});

it('runs up to `concurrency` calls at a time, never more, and counts its batches', async () => {
  const held: Array<() => void> = [];
  let running = 0;
  let most = 0;
  const batcher = new MicroBatcher<number, number>(
    async (requests) => {
      running += 1;
      most = Math.max(most, running);
      await new Promise<void>((r) => held.push(r));
      running -= 1;
      return requests.map((x) => x + 1);
    },
    { maxBatch: 2, maxWaitMs: 0, concurrency: 2 },
  );
  const results = Array.from({ length: 7 }, (_, i) => batcher.submit(i));
  await new Promise((r) => setTimeout(r, 20));
  expect(running).toBe(2); // two batches of 2 computing, 3 requests queued
  expect(batcher.pending).toBe(3);
  while (held.length > 0 || running > 0) {
    held.splice(0).forEach((release) => release());
    await new Promise((r) => setTimeout(r, 5));
  }
  expect(await Promise.all(results)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  expect(most).toBe(2);
  expect(batcher.stats).toEqual({ batches: 4, requests: 7, largest: 2 });
});
