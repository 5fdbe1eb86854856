// @seqrec/data/node: the Node-only part of @seqrec/data (files, compression, the prefetch worker).
// The root entry `@seqrec/data` is browser-safe; the CLI and the trainer import this one too.
export { loadInteractions } from './loadInteractions';
export { datasetFingerprint } from './datasetFingerprint';
export { PrefetchSampler, prefetch } from './PrefetchSampler';
export type { PrefetchOptions } from './PrefetchSampler';
export { writeInteractionsText } from './writeInteractionsText';
export { saveVocabulary, loadVocabulary } from './vocabularyFile';
