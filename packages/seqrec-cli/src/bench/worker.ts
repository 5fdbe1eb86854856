/**
 * Child-process entry of the benchmark: `node dist/bench/worker.js '<job JSON>'` runs one job
 * (see job.ts) and writes its outcome as one JSON line on stdout, so the peak RSS it reports
 * belongs to that configuration alone. Exit code 0 when measured, 1 when the job failed.
 */
import { runJob, type Job } from './job';

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '') as Job;
  const outcome = await runJob(job);
  process.stdout.write(JSON.stringify(outcome) + '\n');
  process.exitCode = outcome.ok ? 0 : 1;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stdout.write(
      JSON.stringify({ ok: false, error: error instanceof Error ? error.message : String(error), peakRssBytes: null }) +
        '\n',
    );
    process.exitCode = 1;
  });
}
