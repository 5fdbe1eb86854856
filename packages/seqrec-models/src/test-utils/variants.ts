/** The small model every property test builds, and the four variants it is built as. */
import type { ModelConfig } from '../config';

export const TEST_MODEL = {
  numItems: 30,
  maxlen: 16,
  hiddenUnits: 12,
  numBlocks: 2,
  numHeads: 2,
  dropoutRate: 0.2,
  timeSpan: 8,
  l2Emb: 0.01,
};

export const VARIANTS: Array<[string, Partial<ModelConfig>]> = [
  ['sasrec', { kind: 'sasrec', mhc: null }],
  ['sasrec+mhc', { kind: 'sasrec', mhc: { expansionRate: 3, sinkhornIters: 20, initGate: 0.01 } }],
  ['tisasrec', { kind: 'tisasrec', mhc: null }],
  ['tisasrec+mhc', { kind: 'tisasrec', mhc: { expansionRate: 4, sinkhornIters: 20, initGate: 0.01 } }],
];
