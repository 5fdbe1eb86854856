/**
 * Saving and loading models in the tfjs format: `model.json` (the config as `modelTopology`
 * plus a `weightsManifest`) and `weights.bin` (float32, little-endian, in manifest order).
 * `tf.io.loadWeights` reads the same pair in a browser.
 *
 * Files are written to a temporary name, fsynced and renamed, so a crash never leaves a
 * half-written model; loading checks sizes, names and shapes and says which one is wrong.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '@seqrec/data';
import { tf } from '@seqrec/runtime';
import { resolveModelConfig, type ModelConfig } from './config';
import { createModel } from './createModel';
import type { SequentialRecommender } from './types';

export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';
const FORMAT = 'seqrec-model';
const FORMAT_VERSION = 1;

interface ModelJson {
  format: string;
  formatVersion: number;
  generatedBy: string;
  modelTopology: { config: ModelConfig; seed?: number };
  weightsManifest: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
}

/** Saves config + weights into `dir` (created if needed). */
export async function saveModel(model: SequentialRecommender, dir: string): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  const named = [...model.weights].map(([name, variable]) => ({ name, tensor: variable as tf.Tensor }));
  const { data, specs } = await tf.io.encodeWeights(named);
  const json: ModelJson = {
    format: FORMAT,
    formatVersion: FORMAT_VERSION,
    generatedBy: `seqrec (tfjs ${tf.version_core})`,
    modelTopology: { config: model.config, seed: model.seed },
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: specs }],
  };
  // Weights first: a model.json on disk always describes a complete weights.bin.
  await writeFileAtomic(path.join(dir, WEIGHTS_FILE), new Uint8Array(data));
  await writeFileAtomic(path.join(dir, MODEL_FILE), JSON.stringify(json, null, 1));
}

function readModelJson(dir: string): ModelJson {
  const file = path.join(dir, MODEL_FILE);
  if (!fs.existsSync(file)) throw new Error(`${file}: no saved model here (missing ${MODEL_FILE})`);
  let json: ModelJson;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8')) as ModelJson;
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${(error as Error).message}); the file is damaged`);
  }
  if (json.format !== FORMAT || json.formatVersion !== FORMAT_VERSION) {
    throw new Error(`${file}: not a seqrec model (format ${String(json.format)} v${String(json.formatVersion)})`);
  }
  return json;
}

function readWeights(dir: string, json: ModelJson): tf.NamedTensorMap {
  const manifest = json.weightsManifest[0];
  const file = path.join(dir, manifest.paths[0]);
  if (!fs.existsSync(file)) throw new Error(`${file}: missing weights file`);
  const bytes = fs.readFileSync(file);
  const expected = manifest.weights.reduce((sum, w) => sum + 4 * tf.util.sizeFromShape(w.shape), 0);
  if (bytes.byteLength !== expected) {
    throw new Error(`${file}: ${bytes.byteLength} bytes, expected ${expected}; the file is truncated or damaged`);
  }
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return tf.io.decodeWeights(buffer, manifest.weights);
}

/** Reads the config saved in `dir` without loading weights. */
export function readSavedConfig(dir: string): ModelConfig {
  return resolveModelConfig(readModelJson(dir).modelTopology.config);
}

/**
 * Loads weights saved in `dir` into an existing model. The saved config must equal the
 * model's (every differing field is named), and every weight must be present with its shape.
 */
export function loadWeightsInto(model: SequentialRecommender, dir: string): void {
  const json = readModelJson(dir);
  const saved = resolveModelConfig(json.modelTopology.config);
  const differing = (Object.keys(saved) as Array<keyof ModelConfig>).filter(
    (key) => JSON.stringify(saved[key]) !== JSON.stringify(model.config[key]),
  );
  if (differing.length > 0) {
    const detail = differing.map(
      (k) => `${k}: saved ${JSON.stringify(saved[k])}, model ${JSON.stringify(model.config[k])}`,
    );
    throw new Error(`${path.join(dir, MODEL_FILE)}: saved with a different config (${detail.join('; ')})`);
  }
  const tensors = readWeights(dir, json);
  try {
    const missing = [...model.weights.keys()].filter((name) => !(name in tensors));
    const extra = Object.keys(tensors).filter((name) => !model.weights.has(name));
    if (missing.length > 0 || extra.length > 0) {
      throw new Error(
        `${dir}: weights do not match the model (missing: ${missing.join(', ') || 'none'}; unexpected: ${
          extra.join(', ') || 'none'
        })`,
      );
    }
    for (const [name, variable] of model.weights) {
      const tensor = tensors[name];
      if (!tf.util.arraysEqual(tensor.shape, variable.shape)) {
        throw new Error(
          `${dir}: weight ${name} has shape [${tensor.shape.join(', ')}], expected [${variable.shape.join(', ')}]`,
        );
      }
      variable.assign(tensor);
    }
  } finally {
    tf.dispose(Object.values(tensors));
  }
}

/** Builds the saved model (config, seed and weights) from `dir`; `options.seed` overrides the saved seed. */
export async function loadModel(dir: string, options: { seed?: number } = {}): Promise<SequentialRecommender> {
  const json = readModelJson(dir);
  const seed = options.seed ?? json.modelTopology.seed ?? 0;
  const model = createModel(resolveModelConfig(json.modelTopology.config), { seed });
  try {
    loadWeightsInto(model, dir);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}
