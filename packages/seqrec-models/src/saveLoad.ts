/**
 * Saving and loading models on disk (Node only; `@seqrec/models/node`), in the format of
 * modelArtifacts.ts. Files are written to a temporary name, fsynced and renamed, so a crash
 * never leaves a half-written model; loading checks sizes, names and shapes and says which one
 * is wrong.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '@seqrec/files';
import { resolveModelConfig, type ModelConfig } from './config';
import {
  LEGACY_RUN_FILE,
  MODEL_FILE,
  WEIGHTS_FILE,
  assignSavedWeights,
  checkSavedConfig,
  completeLegacyConfig,
  decodeSavedWeights,
  encodeModel,
  modelFromSaved,
  needsLegacyRunFile,
  parseModelJson,
  weightsPath,
  type SavedModelJson,
} from './modelArtifacts';
import type { SequentialRecommender } from './types';

/** Saves config + weights into `dir` (created if needed). */
export async function saveModel(model: SequentialRecommender, dir: string): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  const { json, weights } = await encodeModel(model);
  // Weights first: a model.json on disk always describes a complete weights.bin.
  await writeFileAtomic(path.join(dir, WEIGHTS_FILE), weights);
  await writeFileAtomic(path.join(dir, MODEL_FILE), JSON.stringify(json, null, 1));
}

function readModelJson(dir: string): SavedModelJson {
  const file = path.join(dir, MODEL_FILE);
  if (!fs.existsSync(file)) throw new Error(`${file}: no saved model here (missing ${MODEL_FILE})`);
  const json = parseModelJson(fs.readFileSync(file, 'utf8'), file);
  if (!needsLegacyRunFile(json)) return json;
  const runFile = path.join(dir, LEGACY_RUN_FILE);
  return completeLegacyConfig(json, fs.existsSync(runFile) ? fs.readFileSync(runFile, 'utf8') : null);
}

function readWeightBytes(dir: string, json: SavedModelJson): { file: string; bytes: ArrayBuffer } {
  const file = path.join(dir, weightsPath(json));
  if (!fs.existsSync(file)) throw new Error(`${file}: missing weights file`);
  const b = fs.readFileSync(file);
  return { file, bytes: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer };
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
  checkSavedConfig(model, json, path.join(dir, MODEL_FILE)); // before reading a weights file that cannot fit
  const { file, bytes } = readWeightBytes(dir, json);
  assignSavedWeights(model, json, decodeSavedWeights(json, bytes, file), dir);
}

/** Builds the saved model (config, seed and weights) from `dir`; `options.seed` overrides the saved seed. */
export async function loadModel(dir: string, options: { seed?: number } = {}): Promise<SequentialRecommender> {
  const json = readModelJson(dir);
  const { file, bytes } = readWeightBytes(dir, json);
  return modelFromSaved(json, bytes, { ...options, source: file });
}
