import { type TrainBatch, TrainSampler } from '@seqrec/data';
import { PrefetchSampler } from '@seqrec/data/node';
import { syntheticSplit } from './test-utils/tinySplit';

async function collect(it: AsyncIterable<TrainBatch>): Promise<TrainBatch[]> {
  const out: TrainBatch[] = [];
  for await (const b of it) out.push(b);
  return out;
}

describe('PrefetchSampler (worker_threads)', () => {
  const split = syntheticSplit(300);
  const opts = {
    maxlen: 24,
    batchSize: 32,
    seed: 11,
    batching: 'bucketed' as const,
    time: { unit: 'hour' as const, span: 50 },
  };

  it('yields exactly the batches of the synchronous sampler, across epochs', async () => {
    const sync = new TrainSampler(split, opts);
    const pre = new PrefetchSampler(split, opts, { capacity: 2 });
    try {
      expect(pre.stepsPerEpoch).toBe(sync.stepsPerEpoch);
      expect(pre.positionsPerEpoch).toBe(sync.positionsPerEpoch);
      for (let e = 0; e < 3; e++) {
        const expected = [...sync.epoch()];
        const got = await collect(pre.epoch());
        expect(got).toEqual(expected); // toEqual also checks the typed-array classes
        // positionsPerEpoch counts exactly the target positions (pos != 0) the epoch yields.
        const positions = got.reduce((n, b) => n + b.pos.filter((item) => item !== 0).length, 0);
        expect(positions).toBe(sync.positionsPerEpoch);
        expect(pre.getState()).toEqual(sync.getState());
      }
    } finally {
      await pre.close();
    }
  });

  it('restarts correctly after an abandoned epoch and after setState', async () => {
    const sync = new TrainSampler(split, opts);
    const pre = new PrefetchSampler(split, opts);
    try {
      for await (const b of pre.epoch()) {
        expect(b).toEqual([...sync.epoch()][0]);
        expect(b.seq).toBeInstanceOf(Int32Array);
        break; // abandon epoch 1 after one batch
      }
      expect(await collect(pre.epoch())).toEqual([...sync.epoch()]);
      const state = sync.getState();
      const expected = [...sync.epoch()];
      pre.setState(state);
      expect(await collect(pre.epoch())).toEqual(expected);
    } finally {
      await pre.close();
    }
  });
});
