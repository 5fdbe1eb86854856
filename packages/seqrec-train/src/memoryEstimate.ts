/**
 * A lower bound of the memory one training step needs, to refuse before training a
 * configuration that cannot fit the 4 GB wasm heap (it would otherwise fail after minutes with
 * "memory access out of bounds"). Only tensors every step must hold at once are counted (float32,
 * shapes of spec MODEL.md), so a configuration refused here cannot fit; one accepted may still
 * overflow, and the CLI reports that overflow as such.
 */
import type { ModelConfig } from '@seqrec/models';
import { MemoryLimitError } from './errors';

/** The wasm backend's heap: 32-bit addresses. */
export const WASM_HEAP_BYTES = 4 * 1024 ** 3;

export interface MemoryTerm {
  /** What is counted, e.g. 'attention weights'. */
  what: string;
  bytes: number;
  /** Options whose values it grows with, largest effect first. */
  options: string[];
}

/**
 * The terms of the lower bound for one step of `batchSize` users. `lazyItemTable`: the item
 * table is updated lazily (embeddingUpdate.ts), so the heap holds the table but no [V+1, d]
 * gradient, and its Adam moments are host arrays.
 */
export function trainingMemoryTerms(config: ModelConfig, batchSize: number, lazyItemTable = false): MemoryTerm[] {
  const F = 4;
  const { maxlen: T, hiddenUnits: d, numBlocks: L, numHeads: h } = config;
  const B = batchSize;
  const n = config.mhc?.expansionRate ?? 1;
  const intervals = config.kind === 'tisasrec' ? config.timeSpan + 1 : 0;
  // Parameters, their gradients and Adam's two moments (a lazy item table: the table alone).
  const itemTable = (config.numItems + 1) * d;
  const params = T * d * (config.kind === 'tisasrec' ? 3 : 1) + 2 * intervals * d + L * 6 * d * d;
  const weights = 4 * (params + (lazyItemTable ? 0 : itemTable)) + (lazyItemTable ? itemTable : 0);
  const terms: MemoryTerm[] = [
    { what: 'weights, gradients and Adam moments', bytes: weights * F, options: ['hidden_units', 'time_span'] },
    // [B, h, T, T] per block: the attention weights kept for the backward pass and their gradient.
    {
      what: 'attention weights',
      bytes: 2 * L * B * h * T * T * F,
      options: ['batch_size', 'maxlen', 'num_heads', 'num_blocks'],
    },
    // [B, T, n, d] residual streams per block (n = 1 without mHC): input and output kept, one gradient.
    {
      what: 'residual streams',
      bytes: 3 * L * B * T * n * d * F,
      options:
        config.mhc !== null
          ? ['mhc_expansion_rate', 'batch_size', 'maxlen', 'hidden_units']
          : ['batch_size', 'maxlen', 'hidden_units'],
    },
  ];
  // [h, B, T, S+1] interval buckets per block (TiSASRec): the scores and their gradient.
  if (intervals > 0)
    terms.push({
      what: 'time-interval scores',
      bytes: 2 * L * h * B * T * intervals * F,
      options: ['time_span', 'batch_size', 'maxlen'],
    });
  return terms;
}

/** Throws MemoryLimitError (naming the flags to lower) when the lower bound exceeds `limitBytes`. */
export function checkTrainingMemory(
  config: ModelConfig,
  batchSize: number,
  limitBytes = WASM_HEAP_BYTES,
  lazyItemTable = false,
): void {
  const terms = trainingMemoryTerms(config, batchSize, lazyItemTable);
  const total = terms.reduce((s, t) => s + t.bytes, 0);
  if (total <= limitBytes) return;
  const largest = [...terms].sort((a, b) => b.bytes - a.bytes)[0] as MemoryTerm;
  const gb = (x: number) => (x / 1024 ** 3).toFixed(1);
  throw new MemoryLimitError(
    `this configuration needs at least ${gb(total)} GB per training step (${largest.what}: ${gb(largest.bytes)} GB), ` +
      `more than the ${gb(limitBytes)} GB heap of the wasm backend; lower ${largest.options
        .map((o) => `--${o}`)
        .join(', ')}`,
    largest.options,
  );
}
