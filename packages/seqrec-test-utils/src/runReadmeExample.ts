/**
 * Runs the first ```ts block of a package README with the given modules as its imports and
 * returns what it printed, so every README example is executed by a test and cannot rot.
 * The block may use top-level `await`.
 */
import * as fs from 'node:fs';
import * as ts from 'typescript';

export interface ReadmeRun {
  source: string;
  /** Each console.log call's arguments. */
  printed: unknown[][];
}

export async function runReadmeExample(readmePath: string, modules: Record<string, unknown>): Promise<ReadmeRun> {
  const readme = fs.readFileSync(readmePath, 'utf8');
  const match = /```ts\n([\s\S]*?)```/.exec(readme);
  if (match === null) throw new Error(`${readmePath}: no \`\`\`ts example block`);
  const source = match[1];
  const imports: string[] = [];
  const body = source.replace(/^import [\s\S]*? from '([^']+)';$/gm, (statement) => {
    imports.push(statement);
    return '';
  });
  const wrapped = `${imports.join('\n')}\nexport async function main() {\n${body}\n}\n`;
  const js = ts.transpileModule(wrapped, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  }).outputText;
  const printed: unknown[][] = [];
  const fakeConsole = { log: (...args: unknown[]) => printed.push(args) };
  const fakeRequire = (name: string): unknown => {
    if (!(name in modules))
      throw new Error(`${readmePath}: the example imports ${name}, which the test did not provide`);
    return modules[name];
  };
  const exports: { main?: () => Promise<void> } = {};
  new Function('require', 'exports', 'console', js)(fakeRequire, exports, fakeConsole);
  await exports.main!();
  return { source, printed };
}
