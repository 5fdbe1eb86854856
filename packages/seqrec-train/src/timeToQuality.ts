/**
 * Time to quality: how many epochs, and how many seconds of training, a run needed until its
 * selection metric first reached a target, read from the run's `metrics.jsonl` records (the
 * evaluation is the trainer's, so seqrec runs and the PyTorch reference tool's runs, which
 * seqrec evaluates, are measured the same way). Quality per second of training is how two
 * trainers are compared (issue "Default training as good as the reference").
 */

/** A metric of a run's evaluations: split, protocol and name, e.g. valid / sampled / NDCG@10. */
export interface EvalMetric {
  split: string;
  protocol: string;
  name: string;
}

export interface TimeToQuality {
  /** The first evaluated epoch whose metric is >= the target, or null if none is. */
  epoch: number | null;
  /** Training seconds (epoch records, evaluation excluded) up to and including that epoch. */
  seconds: number | null;
  /** The best value over every evaluation, and its epoch. */
  best: { epoch: number; value: number } | null;
  /** Median seconds of one training epoch. */
  medianEpochSeconds: number | null;
  /** Epochs recorded. */
  epochs: number;
}

/** Parses 'valid/sampled/NDCG@10' (the trainer's selection-metric name). */
export function parseEvalMetric(text: string): EvalMetric {
  const [split, protocol, name, ...rest] = text.split('/');
  if (split === undefined || protocol === undefined || name === undefined || rest.length > 0 || name === '')
    throw new RangeError(`metric must look like valid/sampled/NDCG@10, got '${text}'`);
  return { split, protocol, name };
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Reads epoch and eval records (as written by MetricsLog) and finds when `metric` first reached `target`. */
export function timeToQuality(
  records: readonly Record<string, unknown>[],
  metric: EvalMetric,
  target: number,
): TimeToQuality {
  const epochSeconds = new Map<number, number>();
  const values = new Map<number, number>();
  for (const r of records) {
    const epoch = r['epoch'];
    if (typeof epoch !== 'number') continue;
    if (r['type'] === 'epoch' && typeof r['seconds'] === 'number') epochSeconds.set(epoch, r['seconds']);
    if (r['type'] === 'eval' && r['split'] === metric.split && r['protocol'] === metric.protocol) {
      const value = (r['metrics'] as Record<string, unknown> | undefined)?.[metric.name];
      if (typeof value === 'number') values.set(epoch, value);
    }
  }
  const evaluated = [...values.keys()].sort((a, b) => a - b);
  let best: TimeToQuality['best'] = null;
  for (const epoch of evaluated) {
    const value = values.get(epoch) as number;
    if (best === null || value > best.value) best = { epoch, value };
  }
  const reached = evaluated.find((epoch) => (values.get(epoch) as number) >= target) ?? null;
  let seconds: number | null = null;
  if (reached !== null) {
    seconds = 0;
    for (const [epoch, s] of epochSeconds) if (epoch <= reached) seconds += s;
  }
  return {
    epoch: reached,
    seconds,
    best,
    medianEpochSeconds: median([...epochSeconds.values()]),
    epochs: epochSeconds.size,
  };
}
