/**
 * Each package's dependency lists match what its sources import: every package a library file
 * imports is a dependency or peer dependency (else an npm user gets "Cannot find module"), every
 * dependency is used (else users download it for nothing), and tests import only what the
 * package or the workspace declares. Also the metadata every published package needs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { requireOutside } from '@seqrec/test-utils';
import { importedPackages, usesNodeBuiltins } from './importedPackages';
import {
  WORKSPACE_ROOT,
  publishedPackages,
  readPackageJson,
  typeScriptFiles,
  workspacePackages,
  type WorkspacePackage,
} from './workspacePackages';

const rootDevDependencies = Object.keys(readPackageJson(WORKSPACE_ROOT).devDependencies ?? {});

const isTestFile = (file: string) => file.endsWith('.test.ts') || file.split(path.sep).includes('test-utils');

function sources(pkg: WorkspacePackage, tests: boolean): { file: string; text: string }[] {
  const files = typeScriptFiles(path.join(pkg.dir, 'src'));
  // test-utils and packaging are test code throughout.
  const allTest = pkg.json.private === true;
  return files
    .filter((file) => (allTest || isTestFile(file)) === tests)
    .map((file) => ({ file, text: fs.readFileSync(file, 'utf8') }));
}

function imports(files: { text: string }[], own: string): Set<string> {
  const names = new Set<string>();
  for (const { text } of files) for (const name of importedPackages(text)) if (name !== own) names.add(name);
  return names;
}

const declared = (pkg: WorkspacePackage) =>
  new Set([...Object.keys(pkg.json.dependencies ?? {}), ...Object.keys(pkg.json.peerDependencies ?? {})]);

describe.each(publishedPackages().map((p) => [p.json.name, p] as const))('%s', (_name, pkg) => {
  const library = sources(pkg, false);

  test('every package its library code imports is a dependency or peer dependency', () => {
    const missing = [...imports(library, pkg.json.name)].filter((name) => !declared(pkg).has(name));
    expect(missing).toEqual([]);
  });

  test('every dependency and peer dependency is used by its library code', () => {
    const used = imports(library, pkg.json.name);
    const unused = [...declared(pkg)].filter((name) => {
      if (used.has(name)) return false;
      // @types/node: the library's types use Node's built-in modules.
      if (name === '@types/node') return !library.some(({ text }) => usesNodeBuiltins(text));
      // Loaded by name at run time when installed (the optional tfjs-node backends).
      return !library.some(({ text }) => text.includes(`'${name}'`));
    });
    expect(unused).toEqual([]);
  });

  test('LICENSE (Apache-2.0) is in the package and its files, engines set, no made-up repository', () => {
    expect(pkg.json.license).toBe('Apache-2.0');
    expect(fs.readFileSync(path.join(pkg.dir, 'LICENSE'), 'utf8')).toBe(
      fs.readFileSync(path.join(WORKSPACE_ROOT, 'LICENSE'), 'utf8'),
    );
    expect(pkg.json.files).toContain('LICENSE');
    expect(pkg.json.engines?.['node']).toMatch(/^>=\d+/);
    expect(JSON.stringify(pkg.json.repository ?? null)).not.toMatch(/example\.invalid/);
  });
});

describe.each(workspacePackages().map((p) => [p.json.name, p] as const))('tests of %s', (_name, pkg) => {
  test('import only what the package or the workspace root declares', () => {
    const allowed = new Set([...declared(pkg), ...Object.keys(pkg.json.devDependencies ?? {}), ...rootDevDependencies]);
    const missing = [...imports(sources(pkg, true), pkg.json.name)].filter((name) => !allowed.has(name));
    expect(missing).toEqual([]);
  });
});

/** The published packages, lowest layer first: each may depend only on packages before it. */
const LAYERS = [
  '@seqrec/files',
  '@seqrec/runtime',
  '@seqrec/data',
  '@seqrec/layers',
  '@seqrec/models',
  '@seqrec/train',
  '@seqrec/cli',
];

test('published packages depend only on lower layers (files at the bottom, cli at the top)', () => {
  expect(publishedPackages().map((p) => p.json.name).sort()).toEqual([...LAYERS].sort());
  const upward = publishedPackages().flatMap((p) =>
    Object.keys({ ...p.json.dependencies, ...p.json.peerDependencies })
      .filter((name) => LAYERS.includes(name) && LAYERS.indexOf(name) >= LAYERS.indexOf(p.json.name))
      .map((name) => `${p.json.name} -> ${name}`),
  );
  expect(upward).toEqual([]);
});

test('the root LICENSE is the Apache License 2.0', () => {
  const text = fs.readFileSync(path.join(WORKSPACE_ROOT, 'LICENSE'), 'utf8');
  expect(text).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004/);
  expect(text).toContain('END OF TERMS AND CONDITIONS');
});

/** Whether a declaration file refers to Node's types (its modules, `NodeJS.*`, `Buffer`). */
const NODE_TYPES = /from ['"]node:|import\(['"]node:|\bNodeJS\.|(?<![A-Za-z])Buffer\b|reference types="node"/;

/** The declaration files a package's users see: dist/index.d.ts and what it imports, relatively. */
function publicDeclarationFiles(dir: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file) || !fs.existsSync(file)) return;
    seen.add(file);
    for (const ref of ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true).importedFiles) {
      if (!ref.fileName.startsWith('.')) continue;
      const target = path.resolve(path.dirname(file), ref.fileName.replace(/\.js$/, ''));
      visit(fs.existsSync(`${target}.d.ts`) ? `${target}.d.ts` : path.join(target, 'index.d.ts'));
    }
  };
  // Every published entry point (`.` and subpaths such as `./node`), by its `types`.
  const exportsField = readPackageJson(dir).exports;
  const entries = Object.values(exportsField ?? { '.': { types: './dist/index.d.ts' } })
    .map((e) => (typeof e === 'string' ? e : e.types))
    .filter((t): t is string => t !== undefined && t.endsWith('.d.ts'));
  for (const entry of entries) visit(path.join(dir, entry));
  return [...seen];
}

const built = requireOutside(
  'the build of the packages (npm run build)',
  publishedPackages().map((p) => path.join(p.dir, 'dist', 'index.d.ts')),
);
(built ? test : test.skip)('a package whose published types use Node types declares @types/node', () => {
  const needing = publishedPackages()
    .filter((p) => publicDeclarationFiles(p.dir).some((f) => NODE_TYPES.test(fs.readFileSync(f, 'utf8'))))
    .map((p) => p.json.name);
  expect(needing).toContain('@seqrec/files'); // startWorker returns a worker_threads Worker
  const undeclared = needing.filter((name) => {
    const json = publishedPackages().find((p) => p.json.name === name)?.json;
    return json?.dependencies?.['@types/node'] === undefined && json?.peerDependencies?.['@types/node'] === undefined;
  });
  expect(undeclared).toEqual([]);
});
