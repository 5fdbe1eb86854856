import { resolveModelConfig } from '@seqrec/models';
import type { RunInfo } from './checkpoint';
import { resolveTrainOptions } from './options';
import { resumeDifferences } from './resumeCheck';

const model = resolveModelConfig({ numItems: 10 });
const options = resolveTrainOptions({ trainDir: 'a', workers: 1 });
const run = (recorded: Record<string, unknown>): RunInfo => ({ modelConfig: model, options: recorded });
const asked = (o: Partial<typeof options>) => ({
  options: { ...options, ...o },
  model,
  dataFingerprint: 'f',
  vocab: {},
});

it('lists result-changing differences, not the ones a resume may change', () => {
  const recorded = { ...options, trainDir: 'b', numEpochs: 5, evalEvery: 1, workers: 4 };
  expect(resumeDifferences({ ...run(recorded), dataFingerprint: 'f' }, {}, asked({ numEpochs: 9 }))).toEqual([]);
  expect(
    resumeDifferences({ ...run(recorded), dataFingerprint: 'g' }, {}, asked({ seed: 1, lr: 0.5 })).map((d) => d.option),
  ).toEqual(['seed', 'lr', 'data']);
});

it('a run recorded before `batching` is compared through its `bucketing`', () => {
  const older: Record<string, unknown> = { ...options };
  delete older['batching'];
  expect(resumeDifferences(run({ ...older, bucketing: true }), {}, asked({ batching: 'bucketed' }))).toEqual([]);
  expect(resumeDifferences(run({ ...older, bucketing: true }), {}, asked({ batching: 'packed' }))).toEqual([
    { option: 'batching', run: 'bucketed', asked: 'packed' },
  ]);
});

it('without a recorded fingerprint, the vocabulary decides', () => {
  expect(resumeDifferences(run(options), { items: ['a'] }, { ...asked({}), vocab: { items: ['b'] } })).toEqual([
    { option: 'data', run: 'another vocabulary', asked: 'this one' },
  ]);
});

it('the loss decides the result: a run that did not record one trained with bce', () => {
  const older: Record<string, unknown> = { ...options };
  delete older['loss'];
  delete older['lrSchedule'];
  expect(resumeDifferences(run(older), {}, asked({}))).toEqual([]);
  expect(resumeDifferences(run(older), {}, asked({ loss: 'ce' }))).toEqual([
    { option: 'loss', run: 'bce', asked: 'ce' },
  ]);
  expect(
    resumeDifferences(run({ ...options, loss: 'gbce', gbceT: 0.5 }), {}, asked({ loss: 'gbce', gbceT: 0.75 })).map(
      (d) => d.option,
    ),
  ).toEqual(['gbceT']);
});

it('numEpochs may change under the step schedule, not under cosine (it ends at the last epoch)', () => {
  expect(resumeDifferences(run({ ...options, numEpochs: 5 }), {}, asked({ numEpochs: 9 }))).toEqual([]);
  const cosine = { ...options, lrSchedule: 'cosine', numEpochs: 5 };
  expect(resumeDifferences(run(cosine), {}, asked({ lrSchedule: 'cosine', numEpochs: 9 }))).toEqual([
    { option: 'numEpochs', run: 5, asked: 9 },
  ]);
});
