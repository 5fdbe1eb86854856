/** A {@link Vocabulary} as a JSON file (Node only): written atomically, read with errors naming the file. */
import { promises as fsp } from 'node:fs';
import { DataFormatError } from './DataFormatError';
import { Vocabulary } from './Vocabulary';
import { writeFileAtomic } from '@seqrec/files';

/** Writes the JSON atomically (temp file + fsync + rename). */
export async function saveVocabulary(vocab: Vocabulary, file: string): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(vocab.toJSON()) + '\n');
}

export async function loadVocabulary(file: string): Promise<Vocabulary> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    throw new DataFormatError(file, 0, `cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new DataFormatError(file, 0, `invalid JSON (${(err as Error).message})`);
  }
  return Vocabulary.fromJSON(json, file);
}
