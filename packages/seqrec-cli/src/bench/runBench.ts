/**
 * The benchmark run: every configuration's training step and scoring on synthetic input, then
 * real training epochs on a ratings file, each in a fresh child process when possible. Returns
 * the whole report; progress goes to an optional callback (the library never prints).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { initBackend } from '@seqrec/runtime';
import { benchConfigs, configLabel, variantName } from './configs';
import { runIsolated, workerScript } from './isolate';
import { runJob, type Job, type JobOutcome } from './job';
import { machineInfo } from './machine';
import { repsFor, resolveBenchOptions, type BenchOptions } from './options';
import type { BenchReport } from './types';

/** Progress of a run, for a renderer. */
export type BenchEvent =
  | { type: 'begin'; what: string; index: number; total: number }
  | { type: 'done'; what: string; outcome: JobOutcome };

/** Runs the benchmark. `onEvent` sees each job start and finish. */
export async function runBench(
  options: BenchOptions = {},
  onEvent: (e: BenchEvent) => void = () => undefined,
): Promise<BenchReport> {
  const o = resolveBenchOptions(options);
  const startedAt = new Date().toISOString();
  const notes: string[] = [];
  // The parent initialises the backend too: a backend that cannot load fails here, before any job.
  const report = await initBackend(o.backend === null ? { device: 'auto' } : { backend: o.backend });
  const backend = o.backend ?? report.backend;
  const script = o.isolate ? workerScript() : null;
  if (o.isolate && script === null)
    notes.push('no built worker (run `npm run build`): measured in-process, peak RSS values are cumulative');
  const isolated = script !== null;
  const run = (job: Job): Promise<JobOutcome> => (script !== null ? runIsolated(script, job) : runJob(job));

  const jobs: Array<{ what: string; job: Job }> = benchConfigs(o).map((config) => ({
    what: configLabel(config),
    job: {
      kind: 'step',
      backend,
      options: {
        config,
        reps: repsFor(o, config.maxlen),
        score: o.score,
        seed: o.seed,
        isolated,
        skipScoring: o.skipScoring,
      },
    },
  }));
  if (!o.skipEpoch) {
    if (fs.existsSync(o.dataset)) {
      for (const variant of o.epochVariants) {
        jobs.push({
          what: `epoch ${variantName(variant)} L${o.epochMaxlen} h${o.epochHeads}`,
          job: {
            kind: 'epoch',
            backend,
            options: {
              dataset: o.dataset,
              variant,
              maxlen: o.epochMaxlen,
              heads: o.epochHeads,
              hidden: o.hidden,
              blocks: o.blocks,
              timeSpan: o.timeSpan,
              batch: o.batch,
              epochs: o.epochs,
              seed: o.seed,
              isolated,
            },
          },
        });
      }
    } else {
      notes.push(`epoch timing skipped: ${o.dataset} not found`);
    }
  } else {
    notes.push('epoch timing skipped (--skip_epoch)');
  }

  const out: BenchReport = {
    kind: 'seqrec-bench',
    startedAt,
    finishedAt: startedAt,
    flags: { ...o },
    machine: machineInfo({ backend: report.backend, tfjsVersion: report.tfjsVersion, kernels: report.kernels }),
    loadAverage: { start: os.loadavg(), end: [] },
    steps: [],
    epochs: [],
    failures: [],
    notes,
  };
  for (const [index, { what, job }] of jobs.entries()) {
    onEvent({ type: 'begin', what, index, total: jobs.length });
    const outcome = await run(job);
    if (!outcome.ok) out.failures.push({ what, error: outcome.error, peakRssBytes: outcome.peakRssBytes });
    else if (outcome.kind === 'step') out.steps.push(outcome.result);
    else out.epochs.push(outcome.result);
    if (outcome.ok) out.machine.kernels = outcome.backend.kernels;
    onEvent({ type: 'done', what, outcome });
  }
  out.loadAverage.end = os.loadavg();
  out.finishedAt = new Date().toISOString();
  return out;
}
