/**
 * The PyTorch reference numbers measured on the project machine (shared/notes/
 * tfjs-cpu-profile.md: PyTorch 1.13 + OpenBLAS 0.3.21, 2 threads, B 128, d 50, 2 blocks,
 * 1 head, 3416 items), used to print a "vs PyTorch" ratio next to matching rows.
 */
import type { Variant } from './types';

export interface ReferencePoint {
  variant: Variant;
  maxlen: number;
  heads: number;
  /** Seconds per training step. */
  stepSeconds: number;
  /** Seconds per epoch (48 steps), where measured. */
  epochSeconds: number | null;
  /** Peak RSS in bytes, where measured. */
  peakRssBytes: number | null;
}

export const PYTORCH_REFERENCE: readonly ReferencePoint[] = [
  { variant: 'sasrec', maxlen: 200, heads: 1, stepSeconds: 0.75, epochSeconds: 36, peakRssBytes: null },
  { variant: 'sasrec', maxlen: 200, heads: 2, stepSeconds: 1.03, epochSeconds: 49, peakRssBytes: null },
  { variant: 'sasrec', maxlen: 50, heads: 1, stepSeconds: 0.18, epochSeconds: 9, peakRssBytes: null },
  { variant: 'tisasrec', maxlen: 200, heads: 1, stepSeconds: 20.7, epochSeconds: 995, peakRssBytes: 8.73e9 },
];

/** The reference point of the same variant, window and heads, if any. */
export function referenceFor(variant: Variant, maxlen: number, heads: number): ReferencePoint | null {
  return PYTORCH_REFERENCE.find((r) => r.variant === variant && r.maxlen === maxlen && r.heads === heads) ?? null;
}
