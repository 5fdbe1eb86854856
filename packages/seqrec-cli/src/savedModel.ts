/**
 * `--state_dict_path`: the model to evaluate (`--inference_only`) or to start training from. It
 * may be a checkpoint dir (a train dir's `best/` or `last/`), a train dir (its `best/` is used),
 * or a saved model (`model.json` + `weights.bin`, with or without `vocab.json`), e.g. weights
 * trained by another framework and written in seqrec's format.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { Vocabulary } from '@seqrec/data';
import { MODEL_FILE } from '@seqrec/models';
import { findSavedModel } from '@seqrec/train/node';
import { UsageError } from './errors';

const VOCAB_FILE = 'vocab.json';

/**
 * The directory that holds the model's `model.json`; a UsageError naming `flag` (the flag and
 * its value, e.g. `--state_dict_path runs/x`) otherwise.
 */
export async function resolveSavedModel(dir: string, flag: string): Promise<string> {
  const found = await findSavedModel(dir);
  if (found !== null) return found;
  throw new UsageError(`${flag}: no saved model in ${dir} (no ${MODEL_FILE}, no checkpoint, no best/ checkpoint)`);
}

/**
 * Checks that the saved model's item ids mean the items they mean in `--dataset`: scored against
 * another id mapping, a model gives meaningless metrics without any error. (Users may differ: the
 * model never sees a user id.) A saved model without `vocab.json` is taken as it is.
 */
export async function checkSavedVocabulary(modelDir: string, flag: string, vocab: Vocabulary): Promise<void> {
  const file = path.join(modelDir, VOCAB_FILE);
  const text = await fsp.readFile(file, 'utf8').catch(() => null);
  if (text === null) return;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${flag}: ${file} is not valid JSON (${(error as Error).message})`);
  }
  const saved = Vocabulary.fromJSON(json, file).toJSON().items;
  const here = vocab.toJSON().items;
  const at = saved.findIndex((id, i) => id !== here[i]);
  if (saved.length !== here.length || at >= 0) {
    const first = at >= 0 ? ` (item id ${at + 1} is '${saved[at]}' there, '${here[at] ?? 'absent'}' here)` : '';
    throw new UsageError(
      `${flag}: the model's ${saved.length} items (${file}) are not the ${here.length} items of --dataset${first}; ` +
        'it was trained on other data or another id mapping',
    );
  }
}
