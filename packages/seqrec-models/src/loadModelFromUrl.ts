/**
 * Loading a saved model over HTTP (a page, a worker, or Node's fetch): `model.json`, the weights
 * file it names, and `vocab.json` beside them when present (a checkpoint dir of `seqrec train`,
 * or any folder written by `saveModel` plus a vocabulary), so results map back to raw item ids.
 */
import { Vocabulary } from '@seqrec/data';
import {
  LEGACY_RUN_FILE,
  MODEL_FILE,
  completeLegacyConfig,
  modelFromSaved,
  needsLegacyRunFile,
  parseModelJson,
  weightsPath,
} from './modelArtifacts';
import type { SequentialRecommender } from './types';

export const VOCAB_FILE = 'vocab.json';

export interface LoadedFromUrl {
  model: SequentialRecommender;
  /** Null when the folder has no vocab.json. */
  vocab: Vocabulary | null;
}

export interface LoadFromUrlOptions {
  /** Overrides the saved seed (dropout only; inference does not use it). */
  seed?: number;
  /** The fetch to use (default: the global one). */
  fetch?: (url: string) => Promise<Response>;
}

/** `url` is the folder (trailing slash optional) or its `model.json`. */
export async function loadModelFromUrl(url: string, options: LoadFromUrlOptions = {}): Promise<LoadedFromUrl> {
  const get = options.fetch ?? ((u: string) => fetch(u));
  const modelUrl = url.endsWith('.json') ? url : `${url.replace(/\/?$/, '/')}${MODEL_FILE}`;
  const base = modelUrl.slice(0, modelUrl.lastIndexOf('/') + 1);
  const fetchOk = async (u: string): Promise<Response> => {
    const res = await get(u);
    if (!res.ok) throw new Error(`${u}: HTTP ${res.status}`);
    return res;
  };
  let json = parseModelJson(await (await fetchOk(modelUrl)).text(), modelUrl);
  if (needsLegacyRunFile(json)) {
    const run = await get(base + LEGACY_RUN_FILE);
    json = completeLegacyConfig(json, run.ok ? await run.text() : null);
  }
  const weightsUrl = base + weightsPath(json);
  const [weights, vocabRes] = await Promise.all([
    fetchOk(weightsUrl).then((r) => r.arrayBuffer()),
    get(base + VOCAB_FILE),
  ]);
  const vocab = vocabRes.ok ? Vocabulary.fromJSON(await vocabRes.json(), base + VOCAB_FILE) : null;
  const model = modelFromSaved(json, weights, { seed: options.seed, source: weightsUrl });
  return { model, vocab };
}
