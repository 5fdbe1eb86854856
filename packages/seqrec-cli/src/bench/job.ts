/**
 * One unit of benchmark work and how to run it in this process: initialise the backend, then
 * time a configuration (`step`) or real epochs (`epoch`). The worker script runs a job in a fresh
 * child process; the runner calls `runJob` directly when isolation is off.
 */
import { initBackend, type BackendName, type BackendReport } from '@seqrec/runtime';
import { measureEpoch, type MeasureEpochOptions } from './measureEpoch';
import { measureStep, type MeasureStepOptions } from './measureStep';
import type { EpochResult, StepResult } from './types';

export type Job =
  | { kind: 'step'; backend: BackendName | null; options: MeasureStepOptions }
  | { kind: 'epoch'; backend: BackendName | null; options: MeasureEpochOptions };

/** What a job returns: its result and the backend that ran it. */
export type JobOutcome =
  | { ok: true; kind: 'step'; result: StepResult; backend: BackendSummary }
  | { ok: true; kind: 'epoch'; result: EpochResult; backend: BackendSummary }
  | { ok: false; error: string; peakRssBytes: number | null };

export interface BackendSummary {
  backend: string;
  tfjsVersion: string;
  kernels: string[];
}

function summary(r: BackendReport): BackendSummary {
  return { backend: r.backend, tfjsVersion: r.tfjsVersion, kernels: r.kernels };
}

/** Initialises the backend (idempotent for the same request) and runs the job. */
export async function runJob(job: Job): Promise<JobOutcome> {
  try {
    const report = await initBackend(job.backend === null ? { device: 'auto' } : { backend: job.backend });
    if (job.kind === 'step')
      return { ok: true, kind: 'step', result: await measureStep(job.options), backend: summary(report) };
    return { ok: true, kind: 'epoch', result: await measureEpoch(job.options), backend: summary(report) };
  } catch (error) {
    return {
      ok: false,
      error: error instanceof Error ? error.message : String(error),
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
    };
  }
}
