/**
 * startWorker: starts a worker_threads worker from a module of a seqrec package, whether the
 * package runs from its build (`dist/*.js`) or from its TypeScript sources (jest runs `src/*.ts`).
 *
 * Why: jest transpiles sources in its own module system, which a worker thread does not inherit.
 * From `.ts`, the worker is started through a small bootstrap that compiles `.ts` files with
 * `typescript` as they are required, and resolves `@seqrec/<name>` to that package's
 * `src/index.ts` (as jest's moduleNameMapper does), so the worker runs the same sources as the
 * test. Used by @seqrec/data's PrefetchSampler, @seqrec/train's data-parallel trainer and the
 * CLI's scoring pool.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts `file` (an absolute path to a `.js` or `.ts` module) as a worker. `options` are passed
 * to the Worker constructor (e.g. `workerData`), except `eval`, which this function decides.
 */
export function startWorker(file: string, options: Omit<WorkerOptions, 'eval'> = {}): Worker {
  if (!file.endsWith('.ts')) return new Worker(file, options);
  const tsPath = require.resolve('typescript');
  const bootstrap = `
    const fs = require('node:fs');
    const path = require('node:path');
    const Module = require('node:module');
    const ts = require(${JSON.stringify(tsPath)});
    require.extensions['.ts'] = (module, filename) => {
      const out = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
        fileName: filename,
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      });
      module._compile(out.outputText, filename);
    };
    const resolve = Module._resolveFilename;
    Module._resolveFilename = function (request, parent, ...rest) {
      const m = /^@seqrec\\/([^/]+)$/.exec(request);
      if (m !== null) {
        const pkg = resolve.call(this, request + '/package.json', parent, ...rest);
        const src = path.join(path.dirname(pkg), 'src', 'index.ts');
        if (fs.existsSync(src)) return src;
      }
      return resolve.call(this, request, parent, ...rest);
    };
    require(${JSON.stringify(file)});`;
  return new Worker(bootstrap, { ...options, eval: true });
}
