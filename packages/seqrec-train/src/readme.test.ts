/**
 * The README example runs as written, and what it reports holds against expectations computed
 * here independently: every user with a validation item is evaluated, and the trained model
 * ranks validation items better than item popularity and better than the same model untrained.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { buildDataset, generateSyntheticInteractions, leaveOneOutSplit, type SplitDataset } from '@seqrec/data';
import * as data from '@seqrec/data';
import { createModel } from '@seqrec/models';
import * as runtime from '@seqrec/runtime';
import { runReadmeExample } from '@seqrec/test-utils';
import * as trainPackage from '@seqrec/train';
import * as trainNode from '@seqrec/train/node';
import { evaluate, type EvalRecord } from './evaluate';
import { tempDir } from './test-utils/tiny';

/** The README's data and model (see test-utils/readmeExample.ts). */
const README_DATA = { users: 200, items: 60, seed: 3 };
const README_MODEL = { kind: 'sasrec', mhc: null, maxlen: 20, hiddenUnits: 16, numBlocks: 1 } as const;

/**
 * NDCG@10 on the validation items of ranking every item by its count in the training sequences,
 * the input window's items excluded and ties counted against the target (as the `full` protocol).
 */
function popularityValidNdcg10(split: SplitDataset, maxlen: number): number {
  const counts = new Float64Array(split.dataset.numItems + 1);
  for (const u of split.users) for (const item of u.train) counts[item]++;
  let sum = 0;
  let users = 0;
  for (const u of split.users) {
    if (u.valid === 0) continue;
    const window = new Set(u.train.subarray(Math.max(0, u.train.length - maxlen)));
    let rank = 0;
    for (let item = 1; item <= split.dataset.numItems; item++) {
      if (item !== u.valid && !window.has(item) && counts[item] >= counts[u.valid]) rank++;
    }
    sum += rank < 10 ? 1 / Math.log2(rank + 2) : 0;
    users++;
  }
  return sum / users;
}

it('the README example runs; its model beats item popularity and itself untrained', async () => {
  // The block is also kept as test-utils/readmeExample.ts, so that the type check covers it.
  const mirror = await fsp.readFile(path.join(__dirname, 'test-utils', 'readmeExample.ts'), 'utf8');
  const { source, exports } = await runReadmeExample(path.join(__dirname, '..', 'README.md'), {
    '@seqrec/data': data,
    '@seqrec/runtime': runtime,
    '@seqrec/train': trainPackage,
    '@seqrec/train/node': trainNode,
  });
  expect(source).toBe(mirror);
  expect(source.split('\n').filter((l) => l.trim() !== '').length).toBeLessThanOrEqual(20);
  const example = exports['example'] as (trainDir: string) => Promise<EvalRecord[]>;
  const records = await example(await tempDir());
  expect(records.map((r) => `${r.split}/${r.protocol}`)).toEqual([
    'valid/sampled',
    'valid/full',
    'test/sampled',
    'test/full',
  ]);

  const split = leaveOneOutSplit(buildDataset(generateSyntheticInteractions(README_DATA)));
  const evaluable = split.users.filter((u) => u.valid !== 0).length;
  expect(records.map((r) => r.users)).toEqual([evaluable, evaluable, evaluable, evaluable]);
  for (const r of records) {
    expect(r.metrics['HR@10']).toBeGreaterThanOrEqual(r.metrics['NDCG@10'] as number);
    expect(r.metrics['MRR']).toBeGreaterThan(0);
    expect(r.metrics['MRR']).toBeLessThanOrEqual(1);
  }

  const trained = records.find((r) => r.split === 'valid' && r.protocol === 'full')?.metrics['NDCG@10'] as number;
  const popularity = popularityValidNdcg10(split, README_MODEL.maxlen);
  const untrainedModel = createModel({ ...README_MODEL, numItems: split.dataset.numItems }, { seed: 42 });
  const untrained = await evaluate(untrainedModel, split, {
    maxlen: README_MODEL.maxlen,
    time: null,
    protocols: ['full'],
    splits: ['valid'],
  });
  untrainedModel.dispose();
  console.info(
    `valid full NDCG@10: trained ${trained}, popularity ${popularity}, untrained ${untrained[0]?.metrics['NDCG@10']}`,
  );
  expect(trained).toBeGreaterThan(popularity);
  expect(trained).toBeGreaterThan(untrained[0]?.metrics['NDCG@10'] as number);
}, 300_000); // trains the README's model: ~50 s alone, over 2 min on a loaded machine
