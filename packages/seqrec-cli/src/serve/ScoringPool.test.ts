import type { Worker } from 'node:worker_threads';
import { createModel, recommend } from '@seqrec/models';
import { initBackend } from '@seqrec/runtime';
import { MAX_RESTARTS, ScoringPool } from './ScoringPool';
import type { ScoringRequest } from './scoreRequests';

const requests: ScoringRequest[] = [
  { items: Int32Array.from([1, 2, 3]), times: null },
  { items: Int32Array.from([7, 8]), times: null },
];

/** Kills a worker as a native crash would (the pool sees an exit it did not ask for). */
function killWorker(pool: ScoringPool, index: number): Promise<number> {
  const threads = (pool as unknown as { threads: { worker: Worker }[] }).threads;
  return threads[index]!.worker.terminate();
}

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

it('a dead scoring worker fails only its own batch and is replaced; repeated deaths close the pool', async () => {
  const model = createModel(
    { kind: 'sasrec', numItems: 30, maxlen: 8, hiddenUnits: 8, numBlocks: 1, numHeads: 1 },
    { seed: 2 },
  );
  const want = await recommend(model, requests, 5);
  // A batch long enough (~0.5 s here) that the worker is still computing it when it is killed:
  // with a small one, its answer could arrive before the kill and the batch would succeed.
  const heavy: ScoringRequest[] = Array.from({ length: 20_000 }, (_, i) => ({
    items: Int32Array.from([1 + (i % 29), 2, 3, 4, 5, 6, 7, 8]),
    times: null,
  }));
  const pool = await ScoringPool.start(model, { threads: 2, backend: 'wasm', users: 0 });
  try {
    await expectRestartsAndClose(pool, heavy, want);
  } finally {
    // A failed expectation must not leave worker threads running (they keep jest from exiting).
    await pool.close();
    model.dispose();
  }
}, 120_000);

async function expectRestartsAndClose(
  pool: ScoringPool,
  heavy: ScoringRequest[],
  want: { items: Int32Array }[],
): Promise<void> {
  const same = async () => {
    const got = await pool.score(requests, 5);
    expect(got.map((r) => Array.from(r.items))).toEqual(want.map((r) => Array.from(r.items)));
  };
  await same();

  // A batch in flight on the dying worker fails; the next ones are answered (by the survivor,
  // then by the replacement).
  const inFlight = pool.score(heavy, 5);
  await killWorker(pool, 0);
  await expect(inFlight).rejects.toThrow(/scoring worker exited/);
  await Promise.all([same(), same(), same()]);
  for (let i = 0; i < 200 && pool.restarts < 1; i++) await new Promise((r) => setTimeout(r, 50));
  expect(pool.restarts).toBe(1);
  await Promise.all([same(), same()]);

  // A worker that keeps dying is not restarted forever: the pool closes and says so.
  for (let death = 1; death < MAX_RESTARTS; death++) {
    for (let i = 0; i < 200 && pool.restarts < death; i++) await new Promise((r) => setTimeout(r, 50));
    await killWorker(pool, 0);
  }
  for (let i = 0; i < 200 && pool.restarts < MAX_RESTARTS; i++) await new Promise((r) => setTimeout(r, 50));
  await killWorker(pool, 1);
  await expect(pool.score(requests, 5)).rejects.toThrow(/closed/);
}
