/**
 * A package README's first ```ts block turned into programs an npm user would write: an ES
 * module (`.mjs`, top-level await as written) and a CommonJS script (`.cjs`, the body wrapped in
 * an async function). Types are stripped by TypeScript's transpiler; nothing else changes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

export function readmeBlock(packageDir: string): string {
  const readme = path.join(packageDir, 'README.md');
  const match = /```ts\n([\s\S]*?)```/.exec(fs.readFileSync(readme, 'utf8'));
  if (match === null) throw new Error(`${readme}: no \`\`\`ts block`);
  return match[1] as string;
}

export function asEsModule(source: string): string {
  return ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
}

export function asCommonJs(source: string): string {
  const imports: string[] = [];
  const body = source.replace(/^import [\s\S]*? from '([^']+)';$/gm, (statement) => {
    imports.push(statement);
    return '';
  });
  const wrapped =
    `${imports.join('\n')}\nasync function main() {\n${body}\n}\n` +
    'main().catch((error) => {\n  console.error(error);\n  process.exitCode = 1;\n});\n';
  return ts.transpileModule(wrapped, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  }).outputText;
}
