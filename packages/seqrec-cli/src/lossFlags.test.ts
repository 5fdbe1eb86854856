/**
 * The loss and schedule flags map to @seqrec/models' and @seqrec/train's settings; every refusal
 * is a UsageError (exit 2) naming the flag, and the defaults are the owning packages'.
 */
import { DEFAULT_LOSS_CONFIG } from '@seqrec/models';
import { DEFAULT_LR_SCHEDULE } from '@seqrec/train';
import { resolveTrainOptions } from '@seqrec/train/node';
import { UsageError } from './errors';
import { checkLossFlagsForCatalogue, resolveLossFlags } from './lossFlags';
import { TRAIN_FLAGS, resolveTrainFlags, trainOptionsOf } from './trainFlags';

test('no flags: the owning packages’ defaults', () => {
  expect(resolveLossFlags({ loss: DEFAULT_LOSS_CONFIG.loss, lr_schedule: DEFAULT_LR_SCHEDULE })).toEqual({
    ...DEFAULT_LOSS_CONFIG,
    lrSchedule: DEFAULT_LR_SCHEDULE,
  });
});

test('flags map to the loss settings', () => {
  expect(
    resolveLossFlags({
      loss: 'sampled_softmax',
      num_negatives: '64',
      negative_sampling: 'popularity',
      lr_schedule: 'cosine',
    }),
  ).toEqual({
    ...DEFAULT_LOSS_CONFIG,
    loss: 'sampled_softmax',
    numNegatives: 64,
    negativeSampling: 'popularity',
    lrSchedule: 'cosine',
  });
  expect(resolveLossFlags({ loss: 'gbce', gbce_t: '0.5', lr_schedule: 'step' }).gbceT).toBe(0.5);
});

test.each([
  [{ loss: 'softmax' }, /--loss must be one of bce, ce, sampled_softmax, gbce/],
  [{ loss: 'bce', num_negatives: '8' }, /--num_negatives applies to --loss sampled_softmax \/ gbce, not to 'bce'/],
  [{ loss: 'gbce', negative_sampling: 'popularity' }, /--negative_sampling applies to --loss sampled_softmax/],
  [{ loss: 'ce', gbce_t: '0.5' }, /--gbce_t applies to --loss gbce/],
  [{ loss: 'gbce', gbce_t: '1.5' }, /--gbce_t must be a number in \[0, 1\]/],
  [{ loss: 'sampled_softmax', num_negatives: '0' }, /--num_negatives must be an integer >= 1/],
  [{ loss: 'bce', lr_schedule: 'linear' }, /--lr_schedule must be one of step, cosine, constant/],
  [{ loss: 'sampled_softmax', embedding_update: 'sparse' }, /--embedding_update must be one of dense, lazy/],
  [{ loss: 'ce', embedding_update: 'lazy' }, /--embedding_update 'lazy' does not apply to --loss 'ce'/],
])('%j is a usage error naming the flag', (raw, message) => {
  const run = () => resolveLossFlags({ lr_schedule: 'step', ...raw });
  expect(run).toThrow(UsageError);
  expect(run).toThrow(message);
});

test('--embedding_update: absent leaves the default to @seqrec/train; given, it is passed on', () => {
  expect(resolveLossFlags({ loss: 'sampled_softmax', lr_schedule: 'step' }).embeddingUpdate).toBeUndefined();
  expect(
    resolveLossFlags({ loss: 'sampled_softmax', lr_schedule: 'step', embedding_update: 'dense' }).embeddingUpdate,
  ).toBe('dense');
  expect(resolveLossFlags({ loss: 'bce', lr_schedule: 'step', embedding_update: 'lazy' }).embeddingUpdate).toBe('lazy');
});

test('the catalogue check names --loss and sampled_softmax', () => {
  const ce = resolveLossFlags({ loss: 'ce', lr_schedule: 'step' });
  expect(() => checkLossFlagsForCatalogue(ce, 1000000)).toThrow(UsageError);
  expect(() => checkLossFlagsForCatalogue(ce, 1000000)).toThrow(/--loss 'ce'.*sampled_softmax/);
  expect(() => checkLossFlagsForCatalogue(ce, 3416)).not.toThrow();
});

describe('trainOptionsOf: a loss gets only the settings it reads, and @seqrec/train accepts them', () => {
  const defaults = Object.fromEntries(
    TRAIN_FLAGS.flatMap(([flag, , value]) => (value === undefined ? [] : [[flag, value]])),
  );
  const optionsOf = (flags: Record<string, string>) =>
    trainOptionsOf(resolveTrainFlags({ ...defaults, train_dir: 'unused', ...flags }));

  test.each([
    [{}, { loss: 'bce' }],
    [{ loss: 'ce' }, { loss: 'ce' }],
    [
      { loss: 'sampled_softmax', num_negatives: '64', negative_sampling: 'popularity' },
      { loss: 'sampled_softmax', numNegatives: 64, negativeSampling: 'popularity' },
    ],
    [
      { loss: 'gbce', gbce_t: '0.5' },
      { loss: 'gbce', numNegatives: DEFAULT_LOSS_CONFIG.numNegatives, gbceT: 0.5 },
    ],
  ])('%j', (flags, lossOptions) => {
    const options = optionsOf(flags);
    const lossKeys = ['loss', 'numNegatives', 'negativeSampling', 'gbceT'] as const;
    expect(Object.fromEntries(lossKeys.filter((k) => k in options).map((k) => [k, options[k]]))).toEqual(lossOptions);
    const resolved = resolveTrainOptions(options);
    expect(resolved.loss).toBe(lossOptions.loss);
    expect(resolved.lrSchedule).toBe(DEFAULT_LR_SCHEDULE);
  });
});
