/** The workspace's packages as their package.json and sources describe them. */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const WORKSPACE_ROOT = path.resolve(__dirname, '../../..');

export interface PackageJson {
  name: string;
  version: string;
  private?: boolean;
  license?: string;
  engines?: Record<string, string>;
  repository?: unknown;
  files?: string[];
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  devDependencies?: Record<string, string>;
  /** Entry points: subpath -> file, or conditions such as { types, default }. */
  exports?: Record<string, string | { types?: string; default?: string }>;
}

export interface WorkspacePackage {
  dir: string;
  json: PackageJson;
}

export function readPackageJson(dir: string): PackageJson {
  return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as PackageJson;
}

export function workspacePackages(): WorkspacePackage[] {
  const packagesDir = path.join(WORKSPACE_ROOT, 'packages');
  return fs
    .readdirSync(packagesDir)
    .sort()
    .map((name) => path.join(packagesDir, name))
    .filter((dir) => fs.existsSync(path.join(dir, 'package.json')))
    .map((dir) => ({ dir, json: readPackageJson(dir) }));
}

/** The packages npm users install (not private). */
export function publishedPackages(): WorkspacePackage[] {
  return workspacePackages().filter((p) => p.json.private !== true);
}

/** Every `.ts` file under `dir`, recursively. */
export function typeScriptFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : typeScriptFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}
