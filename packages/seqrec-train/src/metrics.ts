/**
 * Ranking metrics from tie-pessimistic ranks (spec DATA_AND_EVAL.md §Evaluation).
 *
 * rank = #{candidates c != target : score(c) >= score(target)} (0 = best);
 * HR@K = [rank < K], NDCG@K = [rank < K] / log2(rank + 2), MRR = 1 / (rank + 1).
 */

/** Metric name -> value averaged over users, e.g. {'NDCG@10': .., 'HR@10': .., MRR: ..}. */
export type Metrics = Record<string, number>;

/** Running sums of the metrics; `add` ranks batch by batch, `mean()` at the end. */
export class MetricAccumulator {
  private readonly sums = new Map<string, number>();
  count = 0;

  /** @param ks cut-offs K, e.g. [10] or [5, 10, 20]. */
  constructor(readonly ks: readonly number[]) {
    for (const name of metricNames(ks)) this.sums.set(name, 0);
  }

  add(ranks: ArrayLike<number>): void {
    for (let i = 0; i < ranks.length; i++) {
      const rank = ranks[i] as number;
      for (const k of this.ks) {
        if (rank < k) {
          this.sums.set(`NDCG@${k}`, (this.sums.get(`NDCG@${k}`) as number) + 1 / Math.log2(rank + 2));
          this.sums.set(`HR@${k}`, (this.sums.get(`HR@${k}`) as number) + 1);
        }
      }
      this.sums.set('MRR', (this.sums.get('MRR') as number) + 1 / (rank + 1));
    }
    this.count += ranks.length;
  }

  /** Averages; all zero when no user was added. */
  mean(): Metrics {
    const out: Metrics = {};
    for (const [name, sum] of this.sums) out[name] = this.count === 0 ? 0 : sum / this.count;
    return out;
  }
}

/** The metric names for the cut-offs, in report order: NDCG@K..., HR@K..., MRR. */
export function metricNames(ks: readonly number[]): string[] {
  return [...ks.map((k) => `NDCG@${k}`), ...ks.map((k) => `HR@${k}`), 'MRR'];
}

/** Metrics of a list of ranks in one call. */
export function metricsFromRanks(ranks: ArrayLike<number>, ks: readonly number[]): Metrics {
  const acc = new MetricAccumulator(ks);
  acc.add(ranks);
  return acc.mean();
}
