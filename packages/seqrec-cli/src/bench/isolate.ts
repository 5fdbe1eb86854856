/**
 * Runs a job in a fresh Node process (the compiled worker.js), so every configuration starts
 * from an empty heap and its peak RSS is its own. From the TypeScript sources (jest) the built
 * worker in `dist/` is used when present; `workerScript()` returns null when there is none.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Job, JobOutcome } from './job';

/** The compiled worker next to this file, or the package's built one when running from src. */
export function workerScript(): string | null {
  const candidates = __filename.endsWith('.js')
    ? [path.join(__dirname, 'worker.js')]
    : [path.resolve(__dirname, '../../dist/bench/worker.js')];
  return candidates.find((p) => fs.existsSync(p)) ?? null;
}

/** The last line of `text` that parses as a JSON object, or null. */
function lastJsonLine(text: string): unknown {
  const lines = text.trim().split('\n').reverse();
  for (const line of lines) {
    if (!line.startsWith('{')) continue;
    try {
      return JSON.parse(line) as unknown;
    } catch {
      // not the outcome line
    }
  }
  return null;
}

/** Runs `job` in a child process of `script`; a crash becomes a failed outcome naming the cause. */
export function runIsolated(script: string, job: Job): Promise<JobOutcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
    child.on('error', (error) =>
      resolve({ ok: false, error: `worker did not start: ${error.message}`, peakRssBytes: null }),
    );
    child.on('close', (code, signal) => {
      const outcome = lastJsonLine(stdout) as JobOutcome | null;
      if (outcome !== null && typeof outcome === 'object' && 'ok' in outcome) {
        if (!outcome.ok && stderr.trim() !== '')
          outcome.error += ` (stderr: ${stderr.trim().split('\n').slice(-2).join(' | ')})`;
        resolve(outcome);
        return;
      }
      const why = signal !== null ? `killed by ${signal}` : `exit code ${String(code)}`;
      resolve({
        ok: false,
        error: `worker ${why}${stderr.trim() ? `: ${stderr.trim().split('\n').slice(-2).join(' | ')}` : ''}`,
        peakRssBytes: null,
      });
    });
  });
}
