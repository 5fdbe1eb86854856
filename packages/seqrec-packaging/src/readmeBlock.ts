/**
 * A package README's first ```ts block turned into programs an npm user would write: an ES
 * module (`.mjs`, top-level await as written) and a CommonJS script (`.cjs`, the body in an
 * async function that is called). The block is read and wrapped as @seqrec/test-utils'
 * runReadmeExample reads and wraps it; types are stripped by TypeScript's transpiler.
 */
import * as path from 'node:path';
import * as ts from 'typescript';
import { readmeExampleAsCommonJs, readmeExampleSource } from '@seqrec/test-utils';

export function readmeBlock(packageDir: string): string {
  return readmeExampleSource(path.join(packageDir, 'README.md'));
}

export function asEsModule(source: string): string {
  return ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
}

export function asCommonJs(source: string): string {
  return (
    readmeExampleAsCommonJs(source) +
    'exports.main().catch((error) => {\n  console.error(error);\n  process.exitCode = 1;\n});\n'
  );
}
