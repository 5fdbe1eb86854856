/** Builds the model a config describes: SASRec or TiSASRec, each with or without mHC. */
import { resolveModelConfig, type ModelConfig } from './config';
import { SASRec } from './sasrec';
import { TiSASRec } from './tisasrec';
import type { SequentialRecommender } from './types';

export interface CreateModelOptions {
  /** Seeds weight init and dropout. Default 0. */
  seed?: number;
}

export function createModel(
  config: Partial<ModelConfig> & { numItems: number },
  options: CreateModelOptions = {},
): SequentialRecommender {
  const resolved = resolveModelConfig(config);
  const seed = options.seed ?? 0;
  return resolved.kind === 'tisasrec' ? new TiSASRec(resolved, seed) : new SASRec(resolved, seed);
}
