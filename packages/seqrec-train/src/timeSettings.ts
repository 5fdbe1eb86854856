import type { ModelConfig } from '@seqrec/models';
import type { TimeSettings } from './evaluate';

/** The TiSASRec interval settings for a model config, or null for SASRec. */
export function timeSettings(config: ModelConfig, unit: TimeSettings['unit']): TimeSettings | null {
  return config.kind === 'tisasrec' ? { unit, span: config.timeSpan } : null;
}
