/** The wasm memory lower bound: a lazy item table counts the table once (no gradient, host moments). */
import { resolveModelConfig } from '@seqrec/models';
import { MemoryLimitError } from './errors';
import { checkTrainingMemory, trainingMemoryTerms } from './memoryEstimate';

const config = resolveModelConfig({ kind: 'sasrec', mhc: null, maxlen: 50, numItems: 10_000_000 });
const d = config.hiddenUnits;

test('the item table: 4 copies when dense (weights, gradient, two moments), 1 when lazy', () => {
  const weights = (lazy: boolean) => trainingMemoryTerms(config, 128, lazy)[0]!.bytes;
  expect(weights(false) - weights(true)).toBe(3 * (config.numItems + 1) * d * 4);
});

test('10M items, d 50: dense is refused on the 4 GB heap, lazy fits', () => {
  expect(() => checkTrainingMemory(config, 128)).toThrow(MemoryLimitError);
  expect(() => checkTrainingMemory(config, 128, undefined, true)).not.toThrow();
});
