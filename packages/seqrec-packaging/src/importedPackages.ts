/**
 * The npm packages a source file imports: `import`/`export ... from`, `import()`, `require()` and
 * `/// <reference types>`, found by TypeScript's own pre-processor (no regular expressions over
 * code). Relative paths and Node built-ins are not packages.
 */
import { builtinModules } from 'node:module';
import * as ts from 'typescript';

const BUILTINS = new Set(builtinModules);

/** `@scope/name/deep/path` -> `@scope/name`; `name/deep` -> `name`; null for relative or built-in. */
export function packageOfSpecifier(specifier: string): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return null;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
  return BUILTINS.has(name) ? null : name;
}

export function importedPackages(source: string): Set<string> {
  const info = ts.preProcessFile(source, true, true);
  const specifiers = [...info.importedFiles, ...info.typeReferenceDirectives].map((ref) => ref.fileName);
  return new Set(specifiers.map(packageOfSpecifier).filter((name): name is string => name !== null));
}

/** Whether a file uses Node's built-in modules (and so, in TypeScript, @types/node). */
export function usesNodeBuiltins(source: string): boolean {
  const info = ts.preProcessFile(source, true, true);
  return info.importedFiles.some((ref) => ref.fileName.startsWith('node:') || BUILTINS.has(ref.fileName));
}
