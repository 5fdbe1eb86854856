export { DEFAULT_MODEL_CONFIG, DEFAULT_MHC, resolveModelConfig } from './config';
export type { ModelConfig, MhcConfig } from './config';
export type { SequenceBatch, TrainingBatch, ForwardOptions, SequentialRecommender } from './types';
export { createModel } from './createModel';
export type { CreateModelOptions } from './createModel';
export { SASRec } from './sasrec';
export { TiSASRec } from './tisasrec';
