/**
 * The saved-model format, without any file system: `model.json` (the config as `modelTopology`
 * plus a `weightsManifest`) and `weights.bin` (float32, little-endian, in manifest order), as
 * tfjs's own format. Node reads and writes them from disk (saveLoad.ts, `@seqrec/models/node`),
 * a page fetches them (loadModelFromUrl.ts); both check sizes, names and shapes here.
 */
import { tf } from '@seqrec/runtime';
import { DEFAULT_MODEL_CONFIG, resolveModelConfig, type ModelConfig } from './config';
import { createModel } from './createModel';
import type { SequentialRecommender } from './types';

export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';
const FORMAT = 'seqrec-model';
const FORMAT_VERSION = 1;

export interface SavedModelJson {
  format: string;
  formatVersion: number;
  generatedBy: string;
  modelTopology: { config: ModelConfig; seed?: number };
  weightsManifest: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
}

/** `model.json` and `weights.bin` contents of `model`. */
export async function encodeModel(
  model: SequentialRecommender,
): Promise<{ json: SavedModelJson; weights: Uint8Array }> {
  const named = [...model.weights].map(([name, variable]) => ({ name, tensor: variable as tf.Tensor }));
  const { data, specs } = await tf.io.encodeWeights(named);
  const json: SavedModelJson = {
    format: FORMAT,
    formatVersion: FORMAT_VERSION,
    generatedBy: `seqrec (tfjs ${tf.version_core})`,
    modelTopology: { config: model.config, seed: model.seed },
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: specs }],
  };
  return { json, weights: new Uint8Array(data) };
}

/** Parses and checks `model.json` text; `source` (file or URL) is named in errors. */
export function parseModelJson(text: string, source: string): SavedModelJson {
  let json: SavedModelJson;
  try {
    json = JSON.parse(text) as SavedModelJson;
  } catch (error) {
    throw new Error(`${source}: not valid JSON (${(error as Error).message}); the file is damaged`);
  }
  if (json.format !== FORMAT || json.formatVersion !== FORMAT_VERSION) {
    throw new Error(`${source}: not a seqrec model (format ${String(json.format)} v${String(json.formatVersion)})`);
  }
  return json;
}

/**
 * Models saved before the time unit was in the config: the checkpoint's run file beside
 * `model.json` recorded it among the training options (`options.timeUnit`). The loaders read it
 * only for such a model ({@link needsLegacyRunFile}) and hand its text to {@link completeLegacyConfig}.
 */
export const LEGACY_RUN_FILE = 'run.json';

/** Whether `json` was saved before `timeUnit` was in the config. */
export function needsLegacyRunFile(json: SavedModelJson): boolean {
  return !('timeUnit' in json.modelTopology.config);
}

/**
 * `json` with the config's `timeUnit` taken from the run file's text beside it (the one place
 * that reads this fallback); without a run file (null), or one that does not record a unit, the
 * default unit, which is what every caller scored such a model with.
 */
export function completeLegacyConfig(json: SavedModelJson, runText: string | null): SavedModelJson {
  if (!needsLegacyRunFile(json)) return json;
  let unit: unknown;
  try {
    unit =
      runText === null ? undefined : (JSON.parse(runText) as { options?: { timeUnit?: unknown } }).options?.timeUnit;
  } catch {
    unit = undefined; // a damaged run file is reported by whoever owns it; the model still loads
  }
  const timeUnit = typeof unit === 'string' ? (unit as ModelConfig['timeUnit']) : DEFAULT_MODEL_CONFIG.timeUnit;
  return { ...json, modelTopology: { ...json.modelTopology, config: { ...json.modelTopology.config, timeUnit } } };
}

/** The weights file's name relative to `model.json`. */
export function weightsPath(json: SavedModelJson): string {
  return json.weightsManifest[0].paths[0];
}

/** Decodes `weights.bin` bytes after checking their size; `source` is named in errors. */
export function decodeSavedWeights(json: SavedModelJson, bytes: ArrayBuffer, source: string): tf.NamedTensorMap {
  const manifest = json.weightsManifest[0];
  const expected = manifest.weights.reduce((sum, w) => sum + 4 * tf.util.sizeFromShape(w.shape), 0);
  if (bytes.byteLength !== expected) {
    throw new Error(`${source}: ${bytes.byteLength} bytes, expected ${expected}; the file is truncated or damaged`);
  }
  return tf.io.decodeWeights(bytes, manifest.weights);
}

/** Throws, naming every differing field, unless the saved config equals the model's. */
export function checkSavedConfig(model: SequentialRecommender, json: SavedModelJson, source: string): void {
  const saved = resolveModelConfig(json.modelTopology.config);
  const differing = (Object.keys(saved) as Array<keyof ModelConfig>).filter(
    (key) => JSON.stringify(saved[key]) !== JSON.stringify(model.config[key]),
  );
  if (differing.length > 0) {
    const detail = differing.map(
      (k) => `${k}: saved ${JSON.stringify(saved[k])}, model ${JSON.stringify(model.config[k])}`,
    );
    throw new Error(`${source}: saved with a different config (${detail.join('; ')})`);
  }
}

/**
 * Assigns saved weights to an existing model. The saved config must equal the model's (every
 * differing field is named), and every weight must be present with its shape. Disposes `tensors`.
 */
export function assignSavedWeights(
  model: SequentialRecommender,
  json: SavedModelJson,
  tensors: tf.NamedTensorMap,
  source: string,
): void {
  try {
    checkSavedConfig(model, json, source);
    const missing = [...model.weights.keys()].filter((name) => !(name in tensors));
    const extra = Object.keys(tensors).filter((name) => !model.weights.has(name));
    if (missing.length > 0 || extra.length > 0) {
      throw new Error(
        `${source}: weights do not match the model (missing: ${missing.join(', ') || 'none'}; unexpected: ${
          extra.join(', ') || 'none'
        })`,
      );
    }
    for (const [name, variable] of model.weights) {
      const tensor = tensors[name];
      if (!tf.util.arraysEqual(tensor.shape, variable.shape)) {
        throw new Error(
          `${source}: weight ${name} has shape [${tensor.shape.join(', ')}], expected [${variable.shape.join(', ')}]`,
        );
      }
      variable.assign(tensor);
    }
  } finally {
    tf.dispose(Object.values(tensors));
  }
}

/** Builds the saved model from its parsed `model.json` and `weights.bin` bytes. */
export function modelFromSaved(
  json: SavedModelJson,
  weights: ArrayBuffer,
  options: { seed?: number; source: string },
): SequentialRecommender {
  const seed = options.seed ?? json.modelTopology.seed ?? 0;
  const model = createModel(resolveModelConfig(json.modelTopology.config), { seed });
  try {
    assignSavedWeights(model, json, decodeSavedWeights(json, weights, options.source), options.source);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}
