/**
 * The configurations a benchmark run times: every requested variant at every window with the
 * seqrec default head count, plus 1 head for the variants without mHC (the PyTorch reference
 * numbers are 1 head), each with every requested loss. Also maps a variant to its model config.
 */
import { DEFAULT_MHC, DEFAULT_MODEL_CONFIG, type ModelConfig } from '@seqrec/models';
import { defaultEmbeddingUpdate } from '@seqrec/train';
import type { ResolvedBenchOptions } from './options';
import type { BenchConfig, Variant } from './types';

/** The configurations of a run, in table order (window, then variant, then heads). */
export function benchConfigs(o: ResolvedBenchOptions): BenchConfig[] {
  const out: BenchConfig[] = [];
  for (const maxlen of o.maxlens) {
    for (const variant of o.variants) {
      const heads = [o.heads];
      if (o.oneHeadRows && !variant.endsWith('+mhc') && o.heads !== 1) heads.push(1);
      for (const h of heads) {
        for (const loss of o.losses) {
          out.push({
            variant,
            batch: o.batch,
            maxlen,
            hidden: o.hidden,
            blocks: o.blocks,
            heads: h,
            timeSpan: o.timeSpan,
            numItems: o.numItems,
            loss,
            numNegatives: o.numNegatives,
            // ce reads every row: it is always dense
            embeddingUpdate: loss === 'ce' ? 'dense' : o.embeddingUpdate ?? defaultEmbeddingUpdate(loss),
          });
        }
      }
    }
  }
  return out;
}

/** True for TiSASRec variants (they take interval matrices). */
export function isTimeAware(variant: Variant): boolean {
  return variant.startsWith('tisasrec');
}

/** The model config of a variant (dropout 0.2 as in training; mHC with its defaults). */
export function modelConfigOf(
  c: Pick<BenchConfig, 'variant' | 'numItems' | 'maxlen' | 'hidden' | 'blocks' | 'heads' | 'timeSpan'>,
): ModelConfig {
  return {
    ...DEFAULT_MODEL_CONFIG,
    kind: isTimeAware(c.variant) ? 'tisasrec' : 'sasrec',
    numItems: c.numItems,
    maxlen: c.maxlen,
    hiddenUnits: c.hidden,
    numBlocks: c.blocks,
    numHeads: c.heads,
    timeSpan: c.timeSpan,
    mhc: c.variant.endsWith('+mhc') ? { ...DEFAULT_MHC } : null,
  };
}

/**
 * A short label, e.g. `TiSASRec+mHC L200 h2`, with the loss, V and the item-table update when
 * they are not the defaults' (bce, 3416, the loss's default update).
 */
export function configLabel(
  c: Pick<BenchConfig, 'variant' | 'maxlen' | 'heads'> &
    Partial<Pick<BenchConfig, 'loss' | 'numNegatives' | 'numItems' | 'embeddingUpdate'>>,
): string {
  const loss =
    c.loss === undefined || c.loss === 'bce' ? '' : c.loss === 'ce' ? ' ce' : ` ${c.loss} N${c.numNegatives}`;
  const items = c.numItems === undefined || c.numItems === 3416 ? '' : ` V${c.numItems}`;
  const update =
    c.embeddingUpdate === undefined || c.embeddingUpdate === defaultEmbeddingUpdate(c.loss ?? 'bce')
      ? ''
      : ` ${c.embeddingUpdate}-emb`;
  return `${variantName(c.variant)} L${c.maxlen} h${c.heads}${loss}${items}${update}`;
}

export function variantName(v: Variant): string {
  return v
    .replace('tisasrec', 'TiSASRec')
    .replace(/^sasrec/, 'SASRec')
    .replace('mhc', 'mHC');
}
