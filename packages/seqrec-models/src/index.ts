export {
  DEFAULT_MODEL_CONFIG,
  DEFAULT_MHC,
  MODEL_LIMITS,
  MODEL_RANGES,
  headsProblem,
  resolveModelConfig,
  timeSettings,
} from './config';
export { checkRange, intRange, numberRange, rangeProblem } from './optionRange';
export type { OptionRange } from './optionRange';
export type { ModelConfig, MhcConfig } from './config';
export type { SequenceBatch, TrainingBatch, ForwardOptions, ScoreOptions, SequentialRecommender } from './types';
export { createModel } from './createModel';
export type { CreateModelOptions } from './createModel';
export { SASRec } from './sasrec';
export { TiSASRec } from './tisasrec';
export { ITEM_EMBEDDING_WEIGHT } from './recommender';
export {
  MODEL_FILE,
  WEIGHTS_FILE,
  LEGACY_RUN_FILE,
  encodeModel,
  parseModelJson,
  modelFromSaved,
} from './modelArtifacts';
export type { SavedModelJson } from './modelArtifacts';
export { loadModelFromUrl, VOCAB_FILE } from './loadModelFromUrl';
export type { LoadedFromUrl, LoadFromUrlOptions } from './loadModelFromUrl';
export { recommend, excludedItemsMask, excludedIds, historyBatch, topKExcluding } from './recommend';
export type { RecommendRequest, Recommendation } from './recommend';
export {
  LOSSES,
  NEGATIVE_SAMPLINGS,
  DEFAULT_LOSS_CONFIG,
  LOSS_LIMITS,
  LOSS_RANGES,
  resolveLossConfig,
  lossSettingsUsed,
  checkLossForCatalogue,
} from './losses/lossConfig';
export type { LossConfig, LossName, NegativeSampling } from './losses/lossConfig';
export { trainingLoss } from './losses/trainingLoss';
export { gbceBeta } from './losses/generalizedBce';
export { fullCrossEntropyLoss, CE_CHUNK_FLOATS } from './losses/fullCrossEntropy';
export { sampledSoftmaxLoss } from './losses/sampledSoftmax';
export type { SharedNegatives } from './losses/sampledSoftmax';
