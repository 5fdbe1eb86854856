/**
 * A checkpoint's `manifest.json`: the size and sha256 of every other file in it, written last.
 * A directory whose files match its manifest is complete and unaltered; one without a manifest is
 * either still being written (a tmp dir) or from a seqrec version before manifests (accepted).
 *   {"format":"seqrec-checkpoint-manifest/1","files":{"weights.bin":{"bytes":123,"sha256":"..."}}}
 */
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { writeFileSynced } from '@seqrec/files';
import { hasFields, parseJsonFile } from './stateFile';

export const MANIFEST_FILE = 'manifest.json';
const FORMAT = 'seqrec-checkpoint-manifest/1';

interface Manifest {
  format: string;
  files: Record<string, { bytes: number; sha256: string }>;
}

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Writes the manifest of every file now in `dir` (call after all of them are written). */
export async function writeManifest(dir: string): Promise<void> {
  const files: Manifest['files'] = {};
  for (const name of (await fsp.readdir(dir)).sort()) {
    if (name === MANIFEST_FILE) continue;
    const data = await fsp.readFile(path.join(dir, name));
    files[name] = { bytes: data.length, sha256: sha256(data) };
  }
  await writeFileSynced(path.join(dir, MANIFEST_FILE), JSON.stringify({ format: FORMAT, files }, null, 1));
}

/** The files a manifest lists, or null when `dir` has no (readable) manifest. */
export async function manifestFiles(dir: string): Promise<string[] | null> {
  const text = await fsp.readFile(path.join(dir, MANIFEST_FILE), 'utf8').catch(() => null);
  if (text === null) return null;
  try {
    return Object.keys((JSON.parse(text) as Manifest).files ?? {});
  } catch {
    return null;
  }
}

/**
 * 'ok', 'absent' (no manifest), or what is wrong: a listed file missing, of another size, or
 * with another sha256 (a torn write, a disk error, or an edit).
 */
export async function verifyManifest(dir: string): Promise<'ok' | 'absent' | string> {
  const file = path.join(dir, MANIFEST_FILE);
  const text = await fsp.readFile(file, 'utf8').catch(() => null);
  if (text === null) return 'absent';
  let manifest: Manifest;
  try {
    manifest = parseJsonFile<Manifest>(file, text, hasFields({ format: 'string', files: 'object' }));
  } catch (error) {
    return (error as Error).message;
  }
  if (manifest.format !== FORMAT) return `${file}: unknown format '${manifest.format}'`;
  for (const [name, expected] of Object.entries(manifest.files)) {
    const data = await fsp.readFile(path.join(dir, name)).catch(() => null);
    if (data === null) return `${path.join(dir, name)} is missing (listed in ${MANIFEST_FILE})`;
    if (data.length !== expected.bytes)
      return `${path.join(dir, name)} has ${data.length} bytes, ${MANIFEST_FILE} says ${expected.bytes}`;
    if (sha256(data) !== expected.sha256)
      return `${path.join(dir, name)} does not match its sha256 in ${MANIFEST_FILE} (altered or damaged)`;
  }
  return 'ok';
}
