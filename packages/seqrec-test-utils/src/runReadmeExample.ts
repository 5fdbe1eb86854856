/**
 * The one README-example runner of the seqrec tests: runs the first ```ts block of a package
 * README with the given modules as its imports and returns what it printed (and what it
 * exports), so every README example is executed by a test and cannot rot.
 * A block may use top-level `await` (it runs as the body of an async function), or, if it
 * declares top-level `export`s, run as a module whose exports are returned.
 */
import * as fs from 'node:fs';
import * as ts from 'typescript';

export interface ReadmeRun {
  source: string;
  /** Each console.log call's arguments. */
  printed: unknown[][];
  /** What the block exports (empty for a block without `export`). */
  exports: Record<string, unknown>;
}

/** The first ```ts block of a README. */
export function readmeExampleSource(readmePath: string): string {
  const match = /```ts\n([\s\S]*?)```/.exec(fs.readFileSync(readmePath, 'utf8'));
  if (match === null) throw new Error(`${readmePath}: no \`\`\`ts example block`);
  return match[1] as string;
}

/** A block's top-level `import ... from '...';` statements apart from the rest. */
export function splitImports(source: string): { imports: string[]; body: string } {
  const imports: string[] = [];
  const body = source.replace(/^import [\s\S]*? from '([^']+)';$/gm, (statement) => {
    imports.push(statement);
    return '';
  });
  return { imports, body };
}

/** Whether the block is a module of its own (declares top-level exports). */
const exportsSomething = (source: string) => /^export /m.test(source);

/**
 * The block as a CommonJS module: a block with exports as it is, any other block as its imports
 * and an exported async `main` holding the rest.
 */
export function readmeExampleAsCommonJs(source: string): string {
  const { imports, body } = splitImports(source);
  const module = exportsSomething(source)
    ? source
    : `${imports.join('\n')}\nexport async function main() {\n${body}\n}\n`;
  return ts.transpileModule(module, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  }).outputText;
}

export async function runReadmeExample(readmePath: string, modules: Record<string, unknown>): Promise<ReadmeRun> {
  const source = readmeExampleSource(readmePath);
  const js = readmeExampleAsCommonJs(source);
  const printed: unknown[][] = [];
  const fakeConsole = { log: (...args: unknown[]) => printed.push(args) };
  const fakeRequire = (name: string): unknown => {
    if (!(name in modules))
      throw new Error(`${readmePath}: the example imports ${name}, which the test did not provide`);
    return modules[name];
  };
  const exports: Record<string, unknown> = {};
  new Function('require', 'exports', 'console', js)(fakeRequire, exports, fakeConsole);
  if (exportsSomething(source)) return { source, printed, exports };
  await (exports['main'] as () => Promise<void>)();
  return { source, printed, exports: {} };
}
