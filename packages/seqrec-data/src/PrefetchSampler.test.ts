import { PrefetchSampler, type TrainBatch, TrainSampler } from '@seqrec/data';
import { syntheticSplit } from './test-utils/tinySplit';

// Worker arrays come from another realm than jest's sandbox, so compare contents, not constructors.
function plain(b: TrainBatch): object {
  return { ...b, users: Array.from(b.users), seq: Array.from(b.seq), pos: Array.from(b.pos), neg: Array.from(b.neg), rel: b.rel === null ? null : Array.from(b.rel) };
}

async function collect(it: AsyncIterable<TrainBatch>): Promise<TrainBatch[]> {
  const out: TrainBatch[] = [];
  for await (const b of it) out.push(plain(b) as TrainBatch);
  return out;
}

describe('PrefetchSampler (worker_threads)', () => {
  const split = syntheticSplit(300);
  const opts = { maxlen: 24, batchSize: 32, seed: 11, bucketing: true, time: { unit: 'hour' as const, span: 50 } };

  it('yields exactly the batches of the synchronous sampler, across epochs', async () => {
    const sync = new TrainSampler(split, opts);
    const pre = new PrefetchSampler(split, opts, { capacity: 2 });
    try {
      expect(pre.stepsPerEpoch).toBe(sync.stepsPerEpoch);
      for (let e = 0; e < 3; e++) {
        const expected = [...sync.epoch()];
        const got = await collect(pre.epoch());
        expect(got).toEqual(expected.map(plain));
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
        expect(plain(b)).toEqual(plain([...sync.epoch()][0]));
        break; // abandon epoch 1 after one batch
      }
      expect(await collect(pre.epoch())).toEqual([...sync.epoch()].map(plain));
      const state = sync.getState();
      const expected = [...sync.epoch()];
      pre.setState(state);
      expect(await collect(pre.epoch())).toEqual(expected.map(plain));
    } finally {
      await pre.close();
    }
  });
});
