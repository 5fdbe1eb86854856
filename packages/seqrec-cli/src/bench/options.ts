/**
 * Benchmark options: one typed object with defaults resolved once. The defaults are the sizes of
 * the PyTorch reference measurements (shared/notes/tfjs-cpu-profile.md): B 128, d 50, 2 blocks,
 * 3416 items (ML-1M), S 256, maxlen 50 and 200.
 */
import * as path from 'node:path';
import { DEFAULT_LOSS_CONFIG, LOSSES, LOSS_LIMITS, type LossName } from '@seqrec/models';
import type { BackendName } from '@seqrec/runtime';
import { EMBEDDING_UPDATES, type EmbeddingUpdate } from '@seqrec/train';
import { VARIANTS, type BenchReps, type ScoreSizes, type Variant } from './types';

export interface BenchOptions {
  /** tfjs backend; default: what `--device auto` picks. */
  backend?: BackendName;
  /** Fewer repetitions (smoke tests). Default false. */
  quick?: boolean;
  /** Variants to time. Default all four. */
  variants?: Variant[];
  /** Windows to time. Default [50, 200]. */
  maxlens?: number[];
  /** Skip the real-data epoch timing. Default false. */
  skipEpoch?: boolean;
  /** Ratings file for the epoch timing. Default `<repo>/../shared/data/ml-1m-partial/ratings.dat.gz`. */
  dataset?: string;
  /** Epochs of real training per variant (each one timed). Default 2 (1 with quick). */
  epochs?: number;
  /** Window of the epoch timing. Default 200. */
  epochMaxlen?: number;
  /** Heads of the epoch timing (1 = the PyTorch reference). Default 1. */
  epochHeads?: number;
  /** Variants of the epoch timing. Default sasrec and tisasrec. */
  epochVariants?: Variant[];
  /** B. Default 128. */
  batch?: number;
  /** d. Default 50. */
  hidden?: number;
  /** Default 2. */
  blocks?: number;
  /** The seqrec default head count; 1 head is added for variants without mHC. Default 2. */
  heads?: number;
  /** Also time 1 head for SASRec/TiSASRec (the reference's setting). Default true. */
  oneHeadRows?: boolean;
  /** S of TiSASRec. Default 256. */
  timeSpan?: number;
  /** V. Default 3416. A synthetic catalogue of any size (e.g. 1000000 for the sampled losses' scaling). */
  numItems?: number;
  /** Training losses timed, each a row per configuration. Default ['bce']. */
  losses?: LossName[];
  /** Negatives per step (sampled_softmax) or per position (gbce). Default DEFAULT_LOSS_CONFIG.numNegatives (256). */
  numNegatives?: number;
  /**
   * How Adam updates the item table in the timed steps (@seqrec/train EMBEDDING_UPDATES; 'lazy'
   * is skipped for ce). Default: each loss's training default (lazy for sampled_softmax and gbce).
   */
  embeddingUpdate?: EmbeddingUpdate | null;
  /** Time training steps only (no scoring: at V = 1M full ranking alone needs GBs). Default false. */
  skipScoring?: boolean;
  /** Repetitions; defaults depend on quick and maxlen. */
  reps?: Partial<BenchReps>;
  /** Scoring sizes. Default 101 candidates, 256 users, chunks of 128. */
  score?: Partial<ScoreSizes>;
  /** Measure each configuration in a fresh child process (separate peak RSS). Default true. */
  isolate?: boolean;
  /** Seed of the synthetic input and the models. Default 1. */
  seed?: number;
}

export type ResolvedBenchOptions = Required<Omit<BenchOptions, 'backend' | 'reps' | 'score'>> & {
  backend: BackendName | null;
  reps: Partial<BenchReps>;
  score: ScoreSizes;
};

/** The repository root, from this file in packages/seqrec-cli/{src,dist}/bench. */
export const REPO_ROOT = path.resolve(__dirname, '../../../..');

export const DEFAULT_DATASET = path.resolve(REPO_ROOT, '../shared/data/ml-1m-partial/ratings.dat.gz');

/** Fills the defaults and checks the values (RangeError naming the option). */
export function resolveBenchOptions(o: BenchOptions = {}): ResolvedBenchOptions {
  const quick = o.quick ?? false;
  const r: ResolvedBenchOptions = {
    backend: o.backend ?? null,
    quick,
    variants: o.variants ?? [...VARIANTS],
    maxlens: o.maxlens ?? [50, 200],
    skipEpoch: o.skipEpoch ?? false,
    dataset: o.dataset ?? DEFAULT_DATASET,
    epochs: o.epochs ?? (quick ? 1 : 2),
    epochMaxlen: o.epochMaxlen ?? 200,
    epochHeads: o.epochHeads ?? 1,
    epochVariants: o.epochVariants ?? ['sasrec', 'tisasrec'],
    batch: o.batch ?? 128,
    hidden: o.hidden ?? 50,
    blocks: o.blocks ?? 2,
    heads: o.heads ?? 2,
    oneHeadRows: o.oneHeadRows ?? true,
    timeSpan: o.timeSpan ?? 256,
    numItems: o.numItems ?? 3416,
    losses: o.losses ?? ['bce'],
    numNegatives: o.numNegatives ?? DEFAULT_LOSS_CONFIG.numNegatives,
    embeddingUpdate: o.embeddingUpdate ?? null,
    skipScoring: o.skipScoring ?? false,
    reps: o.reps ?? {},
    score: { candidates: 101, users: 256, chunk: 128, ...o.score },
    isolate: o.isolate ?? true,
    seed: o.seed ?? 1,
  };
  for (const loss of r.losses) {
    if (!(LOSSES as readonly string[]).includes(loss))
      throw new RangeError(`losses: unknown loss '${String(loss)}' (expected ${LOSSES.join(', ')})`);
  }
  if (r.losses.length === 0) throw new RangeError('losses must not be empty');
  if (r.embeddingUpdate !== null && !(EMBEDDING_UPDATES as readonly string[]).includes(r.embeddingUpdate))
    throw new RangeError(`embeddingUpdate must be one of ${EMBEDDING_UPDATES.join(', ')}, got '${r.embeddingUpdate}'`);
  if (r.numNegatives > LOSS_LIMITS.numNegatives)
    throw new RangeError(`numNegatives must be at most ${LOSS_LIMITS.numNegatives}, got ${r.numNegatives}`);
  for (const v of [...r.variants, ...r.epochVariants]) {
    if (!VARIANTS.includes(v))
      throw new RangeError(`variants: unknown variant '${String(v)}' (expected ${VARIANTS.join(', ')})`);
  }
  const positive: Array<[string, number]> = [
    ['epochs', r.epochs],
    ['epochMaxlen', r.epochMaxlen],
    ['epochHeads', r.epochHeads],
    ['batch', r.batch],
    ['hidden', r.hidden],
    ['blocks', r.blocks],
    ['heads', r.heads],
    ['timeSpan', r.timeSpan],
    ['numItems', r.numItems],
    ['numNegatives', r.numNegatives],
    ['score.candidates', r.score.candidates],
    ['score.users', r.score.users],
    ['score.chunk', r.score.chunk],
    ...r.maxlens.map((m): [string, number] => ['maxlens', m]),
  ];
  for (const [name, v] of positive)
    if (!Number.isInteger(v) || v <= 0) throw new RangeError(`${name} must be a positive integer, got ${v}`);
  if (r.variants.length === 0 || r.maxlens.length === 0) throw new RangeError('variants and maxlens must not be empty');
  return r;
}

/** Repetitions for one window: quick = 1 warm-up + 1 step; else 1 + 5 at T <= 64, 1 + 3 above. */
export function repsFor(o: ResolvedBenchOptions, maxlen: number): BenchReps {
  const base: BenchReps = o.quick
    ? { warmup: 1, steps: 1, scoreReps: 1 }
    : maxlen <= 64
    ? { warmup: 1, steps: 5, scoreReps: 5 }
    : { warmup: 1, steps: 3, scoreReps: 3 };
  return { ...base, ...o.reps };
}
