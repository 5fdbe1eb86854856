/**
 * Reading seqrec's own JSON state files (checkpoint files, the train dir marker, the lock):
 * every failure names the file, and nothing of its content but a short excerpt.
 */
import { promises as fsp } from 'node:fs';
import { CorruptStateError, short } from './errors';

/** A check of a parsed value: null when fine, else what is wrong. */
export type JsonCheck = (value: unknown) => string | null;

/** Parses `text` (the content of `file`); CorruptStateError naming the file otherwise. */
export function parseJsonFile<T>(file: string, text: string, check?: JsonCheck): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CorruptStateError(file, `not valid JSON (starts with '${short(text, 30)}')`);
  }
  const problem = check?.(value) ?? null;
  if (problem !== null) throw new CorruptStateError(file, problem);
  return value as T;
}

/** Reads and parses `file`; a missing or unreadable file is a CorruptStateError too. */
export async function readJsonFile<T>(file: string, check?: JsonCheck): Promise<T> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (error) {
    throw new CorruptStateError(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  return parseJsonFile<T>(file, text, check);
}

/** A check that `value` is an object holding `fields` of the given `typeof`s. */
export function hasFields(fields: Record<string, string>): JsonCheck {
  return (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
    for (const [name, type] of Object.entries(fields)) {
      const v = (value as Record<string, unknown>)[name];
      const actual = v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
      if (!type.split('|').includes(actual))
        return `field '${name}' is ${v === undefined ? 'missing' : `a ${actual}`}, expected ${type}`;
    }
    return null;
  };
}
