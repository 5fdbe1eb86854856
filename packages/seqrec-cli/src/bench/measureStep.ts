/**
 * Times one configuration in the current process (the backend must already be initialised):
 * training steps through the trainer's own `trainStep` (forward + backward + seqrec's Adam, as
 * `seqrec train` runs them), then scoring: sampled candidates for 1 and for many users, and full
 * ranking (every item) for many users. Every figure is a median after an untimed warm-up; every
 * tensor is disposed.
 */
import * as os from 'node:os';
import { tf } from '@seqrec/runtime';
import { ITEM_EMBEDDING_WEIGHT, createModel, resolveLossConfig, type SequentialRecommender } from '@seqrec/models';
import { Adam, StepNegativeSampler, trainStep, usesStepNegatives, type StepObjective } from '@seqrec/train';
import { isTimeAware, modelConfigOf } from './configs';
import { lcg, syntheticBatch, syntheticCandidates } from './syntheticInput';
import type { BenchConfig, BenchReps, ScoreSizes, StepResult } from './types';

export interface MeasureStepOptions {
  config: BenchConfig;
  reps: BenchReps;
  score: ScoreSizes;
  seed: number;
  /** Recorded in the result: true when this process measures nothing else. */
  isolated: boolean;
  /** Time training steps only (the scoring figures are NaN). Default false. */
  skipScoring?: boolean;
}

/** Seconds since `start` (a process.hrtime.bigint()). */
export function secondsSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** The median of non-empty `xs`. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Runs `fn` once untimed, then `reps` times; the median seconds. */
async function timeMedian(reps: number, fn: () => Promise<void>): Promise<number> {
  await fn();
  const samples: number[] = [];
  for (let i = 0; i < reps; i++) {
    const start = process.hrtime.bigint();
    await fn();
    samples.push(secondsSince(start));
  }
  return median(samples);
}

/** Scores `users` rows in chunks of `chunk` users (one forward each) and reads the scores back. */
async function scoreUsers(
  model: SequentialRecommender,
  c: BenchConfig,
  users: number,
  candidates: number | 'all',
  chunk: number,
  seed: number,
): Promise<void> {
  const random = lcg(seed);
  for (let first = 0; first < users; first += chunk) {
    const B = Math.min(chunk, users - first);
    const batch = syntheticBatch(
      { users: B, maxlen: c.maxlen, numItems: c.numItems, timeSpan: isTimeAware(c.variant) ? c.timeSpan : null },
      random,
    );
    const seq = tf.tensor2d(batch.seq, [B, c.maxlen], 'int32');
    const rel = batch.rel === null ? null : tf.tensor3d(batch.rel, [B, c.maxlen, c.maxlen], 'int32');
    const ids =
      candidates === 'all'
        ? null
        : tf.tensor2d(syntheticCandidates(B, candidates, c.numItems, random), [B, candidates], 'int32');
    try {
      const scores = ids === null ? model.scoreAll({ seq, rel }) : model.score({ seq, rel }, ids);
      await scores.data();
      scores.dispose();
    } finally {
      tf.dispose([seq, ...(rel ? [rel] : []), ...(ids ? [ids] : [])]);
    }
  }
}

/** Measures one configuration. */
export async function measureStep(o: MeasureStepOptions): Promise<StepResult> {
  const c = o.config;
  const model = createModel(modelConfigOf(c), { seed: o.seed });
  const lazy = c.embeddingUpdate === 'lazy' ? [ITEM_EMBEDDING_WEIGHT] : [];
  const adam = new Adam(model.weights, { beta1: 0.9, beta2: 0.98, lazy });
  try {
    const batch = syntheticBatch(
      { users: c.batch, maxlen: c.maxlen, numItems: c.numItems, timeSpan: isTimeAware(c.variant) ? c.timeSpan : null },
      lcg(o.seed),
    );
    const loss = resolveLossConfig(
      c.loss === 'bce' || c.loss === 'ce' ? { loss: c.loss } : { loss: c.loss, numNegatives: c.numNegatives },
    );
    // The sampled losses draw the step's shared negatives as the trainer does (uniform; inside the timing).
    const negativeSampler = usesStepNegatives(loss) ? new StepNegativeSampler(c.numItems, loss, o.seed) : null;
    const stepSamples: number[] = [];
    for (let step = 0; step < o.reps.warmup + o.reps.steps; step++) {
      const start = process.hrtime.bigint();
      const objective: StepObjective = { loss, negatives: negativeSampler?.forStep(step, batch.pos) ?? null };
      const stepLoss = await trainStep(model, adam, batch, 0.001, 1, objective);
      const seconds = secondsSince(start);
      if (!Number.isFinite(stepLoss)) throw new Error(`non-finite loss ${stepLoss} at step ${step + 1}`);
      if (step >= o.reps.warmup) stepSamples.push(seconds);
    }
    const s = o.score;
    const scoring = o.skipScoring !== true;
    const score1Seconds = scoring
      ? await timeMedian(o.reps.scoreReps, () => scoreUsers(model, c, 1, s.candidates, s.chunk, o.seed + 1))
      : NaN;
    const scoreManySeconds = scoring
      ? await timeMedian(o.reps.scoreReps, () => scoreUsers(model, c, s.users, s.candidates, s.chunk, o.seed + 2))
      : NaN;
    const fullRankSeconds = scoring
      ? await timeMedian(o.reps.scoreReps, () => scoreUsers(model, c, s.users, 'all', s.chunk, o.seed + 3))
      : NaN;
    return {
      config: c,
      stepSeconds: median(stepSamples),
      stepSamples,
      score1Seconds,
      scoreManySeconds,
      fullRankSeconds,
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
      isolated: o.isolated,
      backend: tf.getBackend(),
      numParams: [...model.weights.values()].reduce((n, w) => n + w.size, 0),
      loadAverage: os.loadavg(),
    };
  } finally {
    adam.dispose();
    model.dispose();
  }
}
