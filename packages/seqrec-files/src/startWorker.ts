/**
 * startWorker: starts a worker_threads worker from a module of a seqrec package, whether the
 * package runs from its build (`dist/*.js`) or from its TypeScript sources (jest runs `src/*.ts`).
 *
 * From `.ts`, the worker is started through the bootstrap of typeScriptSources.ts (compiles `.ts`
 * on load, resolves `@seqrec/<name>` and `@seqrec/<name>/node` to sources), so the worker runs the
 * same sources as the test. Used by @seqrec/data's PrefetchSampler, @seqrec/train's data-parallel trainer and the
 * CLI's scoring pool.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { sourcesBootstrap } from './typeScriptSources';

/**
 * Starts `file` (an absolute path to a `.js` or `.ts` module) as a worker. `options` are passed
 * to the Worker constructor (e.g. `workerData`), except `eval`, which this function decides.
 */
export function startWorker(file: string, options: Omit<WorkerOptions, 'eval'> = {}): Worker {
  if (!file.endsWith('.ts')) return new Worker(file, options);
  return new Worker(sourcesBootstrap(file), { ...options, eval: true });
}
