/**
 * What `--resume` may change: how long and how often (epochs, except under the cosine schedule,
 * evaluation and checkpoint intervals, patience) and how fast (threads, prefetching). The loss
 * and its settings decide the result like every other option. Everything else decides the result:
 * it must equal the run's, and so must the data (its fingerprint, or for a run recorded before
 * fingerprints, its vocabulary).
 */
import type { ModelConfig } from '@seqrec/models';
import type { RunInfo } from './checkpoint';
import type { ResolvedTrainOptions } from './options';

export const RESUME_MAY_CHANGE: readonly string[] = [
  'numEpochs',
  'evalEvery',
  'checkpointEvery',
  'earlyStopPatience',
  'workers',
  'shardEveryStep',
  'prefetch',
  'resume',
  'trainDir',
  'initFrom',
  'runInfo',
];

export interface ResumeDifference {
  /** `batchSize`, `model.maxlen`, or `data`. */
  option: string;
  run: unknown;
  asked: unknown;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Options added after runs were first recorded, with the value every older run ran: a run that
 * did not record `loss` trained with bce, so resuming it with another loss is refused.
 */
const UNRECORDED_MEANS: Record<string, unknown> = {
  loss: 'bce',
  lrSchedule: 'step',
  embeddingUpdate: 'dense',
};

/** Settings of `asked` that differ from the run recorded in `run` (a checkpoint's run.json). */
export function resumeDifferences(
  run: RunInfo,
  runVocab: unknown,
  asked: { options: ResolvedTrainOptions; model: ModelConfig; dataFingerprint: string; vocab: unknown },
): ResumeDifference[] {
  const out: ResumeDifference[] = [];
  const recorded = { ...run.options };
  // Runs from before `batching` recorded `bucketing` (true: by length, false: random).
  if (!('batching' in recorded) && typeof recorded['bucketing'] === 'boolean')
    recorded['batching'] = recorded['bucketing'] ? 'bucketed' : 'random';
  for (const [key, value] of Object.entries(asked.options)) {
    // An option the run did not record is one an older seqrec did not have: it ran the default.
    if (RESUME_MAY_CHANGE.includes(key)) continue;
    const was = key in recorded ? recorded[key] : UNRECORDED_MEANS[key];
    if (!(key in recorded) && !(key in UNRECORDED_MEANS)) continue;
    if (!same(was, value)) out.push({ option: key, run: was, asked: value });
  }
  // Cosine annealing ends at the last step of numEpochs: another numEpochs is another schedule.
  if (asked.options.lrSchedule === 'cosine' && recorded['numEpochs'] !== asked.options.numEpochs)
    out.push({ option: 'numEpochs', run: recorded['numEpochs'], asked: asked.options.numEpochs });
  for (const [key, value] of Object.entries(asked.model)) {
    const was = (run.modelConfig as unknown as Record<string, unknown>)[key];
    if (!same(was, value)) out.push({ option: `model.${key}`, run: was, asked: value });
  }
  if (run.dataFingerprint !== undefined) {
    if (run.dataFingerprint !== asked.dataFingerprint)
      out.push({ option: 'data', run: run.dataFingerprint, asked: asked.dataFingerprint });
  } else if (!same(runVocab, asked.vocab)) {
    out.push({ option: 'data', run: 'another vocabulary', asked: 'this one' });
  }
  return out;
}
