/**
 * Running a seqrec module from TypeScript sources outside jest: in a worker thread
 * (`startWorker`) or in a child process (`nodeArgsFromSources`).
 *
 * Why: jest transpiles sources in its own module system, which a worker thread or a child
 * process does not inherit. The bootstrap below compiles `.ts` files with `typescript` as they are
 * required and resolves `@seqrec/<name>` to that package's `src/index.ts` and `@seqrec/<name>/node`
 * to its `src/node.ts` (as jest's moduleNameMapper does), so the worker or child runs the same
 * sources as the test, and no build is needed.
 */

/** Code that installs the TypeScript hook, then requires `file` (absolute, `.ts` or `.js`). */
export function sourcesBootstrap(file: string): string {
  const tsPath = require.resolve('typescript');
  return `
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
      const m = /^@seqrec\\/([^/]+)(\\/node)?$/.exec(request);
      if (m !== null) {
        const pkg = resolve.call(this, '@seqrec/' + m[1] + '/package.json', parent, ...rest);
        const src = path.join(path.dirname(pkg), 'src', m[2] === undefined ? 'index.ts' : 'node.ts');
        if (fs.existsSync(src)) return src;
      }
      return resolve.call(this, request, parent, ...rest);
    };
    require(${JSON.stringify(file)});`;
}

/**
 * Arguments for `node` that run the script `file` on the TypeScript sources of the seqrec
 * packages it requires: `spawn(process.execPath, [...nodeArgsFromSources(file), ...args])`.
 * The script sees `process.argv` as if started as `node file ...args`.
 */
export function nodeArgsFromSources(file: string): string[] {
  // As if started as `node file`: argv names the script, and execArgv (which parseArgs reads to
  // find the script's arguments, and worker threads inherit) holds no `-e <this code>`.
  const asScript =
    `const e = process.execArgv.indexOf('-e'); if (e >= 0) process.execArgv.splice(e, 2);` +
    `process.argv.splice(1, 0, ${JSON.stringify(file)});`;
  return ['-e', asScript + sourcesBootstrap(file), '--'];
}
