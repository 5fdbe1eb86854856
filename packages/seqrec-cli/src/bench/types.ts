/**
 * The benchmark's data types: what one measured configuration is (`BenchConfig`), what a worker
 * reports for it (`StepResult`, `EpochResult`) and the whole report (`BenchReport`), which is
 * also the `--json` document. Kept in one file so the worker, the runner and the renderer agree.
 */

import type { LossName } from '@seqrec/models';
import type { EmbeddingUpdate } from '@seqrec/train';

/** The four model variants of seqrec (spec MODEL.md). */
export type Variant = 'sasrec' | 'sasrec+mhc' | 'tisasrec' | 'tisasrec+mhc';

export const VARIANTS: readonly Variant[] = ['sasrec', 'sasrec+mhc', 'tisasrec', 'tisasrec+mhc'];

/** One model shape to time on synthetic input. */
export interface BenchConfig {
  variant: Variant;
  /** B, users per training step. */
  batch: number;
  /** T = maxlen (the synthetic batches use the full window). */
  maxlen: number;
  /** d. */
  hidden: number;
  blocks: number;
  heads: number;
  /** S, TiSASRec's interval clip (ignored by SASRec). */
  timeSpan: number;
  /** V, the number of items (3416 = ML-1M, as the PyTorch reference). */
  numItems: number;
  /** The training loss timed (@seqrec/models LOSSES). */
  loss: LossName;
  /** Negatives per step (sampled_softmax) or per position (gbce) (ignored by the others). */
  numNegatives: number;
  /** How Adam updates the item table (@seqrec/train; absent in reports before it existed = dense). */
  embeddingUpdate?: EmbeddingUpdate;
}

/** Repetitions of each measurement. */
export interface BenchReps {
  /** Untimed training steps before the timed ones. */
  warmup: number;
  /** Timed training steps (the median is reported). */
  steps: number;
  /** Timed repetitions of each scoring measurement (after one untimed). */
  scoreReps: number;
}

/** Scoring sizes (eval protocols): sampled = target + 100 negatives, full = every item. */
export interface ScoreSizes {
  /** Candidates per user in the sampled protocol. Default 101. */
  candidates: number;
  /** Users of the "many users" measurements. Default 256. */
  users: number;
  /** Users per forward pass when scoring many users (the trainer's eval batch). Default 128. */
  chunk: number;
}

/** What a worker measures for one `BenchConfig`. */
export interface StepResult {
  config: BenchConfig;
  /** Median seconds of one training step: forward + backward + Adam, after warm-up. */
  stepSeconds: number;
  /** Every timed step, in order. */
  stepSamples: number[];
  /** Median seconds to score `candidates` items for one user (NaN with skipScoring). */
  score1Seconds: number;
  /** Median seconds to score `candidates` items for `users` users (NaN with skipScoring). */
  scoreManySeconds: number;
  /** Median seconds to score every item for `users` users (full ranking, read back to the host; NaN with skipScoring). */
  fullRankSeconds: number;
  /** Peak resident set size of the measuring process, bytes. */
  peakRssBytes: number;
  /** True when measured in a fresh process (peak RSS is this configuration's alone). */
  isolated: boolean;
  /** The tfjs backend that ran it. */
  backend: string;
  /** Trainable parameters. */
  numParams: number;
  /** os.loadavg() when this configuration finished (other load makes timings noisy). */
  loadAverage: number[];
}

/** What a worker measures for real training epochs. */
export interface EpochResult {
  variant: Variant;
  maxlen: number;
  heads: number;
  /** Seconds of each epoch run (training only; the evaluation after the last one is excluded). */
  epochSeconds: number[];
  /** Optimizer steps per epoch. */
  stepsPerEpoch: number;
  users: number;
  items: number;
  peakRssBytes: number;
  isolated: boolean;
  backend: string;
  /** os.loadavg() when the epochs finished. */
  loadAverage: number[];
}

/** A configuration that could not be measured (e.g. the 4 GB wasm heap ran out). */
export interface BenchFailure {
  what: string;
  error: string;
  /** Peak RSS of the failed worker, when known. */
  peakRssBytes: number | null;
}

/** The machine and software a report was measured on. */
export interface MachineInfo {
  cpuModel: string;
  cores: number;
  totalMemoryBytes: number;
  platform: string;
  node: string;
  tfjs: string;
  seqrec: string;
  /** Backend that ran the measurements (e.g. 'wasm'). */
  backend: string;
  /** seqrec's custom kernels active on that backend. */
  kernels: string[];
}

/** The whole benchmark: the `--json` document. */
export interface BenchReport {
  kind: 'seqrec-bench';
  startedAt: string;
  finishedAt: string;
  /** The options the run was made with (flags resolved). */
  flags: Record<string, unknown>;
  machine: MachineInfo;
  /** os.loadavg() before the first and after the last measurement. */
  loadAverage: { start: number[]; end: number[] };
  steps: StepResult[];
  epochs: EpochResult[];
  failures: BenchFailure[];
  /** Why something was skipped (e.g. the dataset is absent). */
  notes: string[];
}
