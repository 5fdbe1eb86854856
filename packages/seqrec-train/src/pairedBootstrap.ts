/**
 * Is model B better than model A on the same users? The paired bootstrap behind the comparisons
 * in docs/RESULTS.md: per-user metric differences B - A, users resampled with replacement
 * (seeded), the 95% interval of the mean difference. An interval that contains 0 means the data
 * cannot tell the two apart. Inputs are the per-user rank files of `seqrec eval --ranks_out`
 * (CSV `split,protocol,user,rank`), from the same data and eval seed, so the same users and,
 * under `sampled`, the same negatives.
 */
import { metricsFromRanks } from './metrics';

/** 'split,protocol' -> (raw user -> rank). */
export type RankGroups = Map<string, Map<string, number>>;

/** Parses a `--ranks_out` file's text; `source` is named in errors. */
export function parseRanksCsv(text: string, source: string): RankGroups {
  const lines = text.split('\n');
  if (lines[0] !== 'split,protocol,user,rank')
    throw new Error(`${source}:1: expected the header split,protocol,user,rank`);
  const groups: RankGroups = new Map();
  lines.slice(1).forEach((line, i) => {
    if (line.trim() === '') return;
    const [split, protocol, user, rank] = line.split(',');
    if (user === undefined || rank === undefined || !Number.isInteger(Number(rank)))
      throw new Error(`${source}:${i + 2}: expected split,protocol,user,rank`);
    const key = `${split},${protocol}`;
    if (!groups.has(key)) groups.set(key, new Map());
    (groups.get(key) as Map<string, number>).set(user, Number(rank));
  });
  return groups;
}

/** splitmix32: a small seeded generator, so the intervals are reproducible. */
export function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  };
}

/** The 95% bootstrap interval [low, high] of the mean of `diffs`, resampled with `random`. */
export function bootstrapInterval(diffs: readonly number[], resamples: number, random: () => number): [number, number] {
  const n = diffs.length;
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += diffs[Math.floor(random() * n)] as number;
    means[r] = sum / n;
  }
  means.sort();
  return [means[Math.floor(0.025 * resamples)] as number, means[Math.ceil(0.975 * resamples) - 1] as number];
}

export interface PairedComparison {
  /** 'valid,full' etc. */
  group: string;
  /** Users ranked in both files. */
  users: number;
  /** Users ranked in only one of them. */
  unpaired: number;
  metric: string;
  meanA: number;
  meanB: number;
  /** 95% interval of mean(B - A). */
  low: number;
  high: number;
}

export interface CompareOptions {
  /** Cut-off of NDCG@K and HR@K. Default 10. */
  k?: number;
  /** Default 2000. */
  resamples?: number;
  /** Default 1. */
  seed?: number;
  /** Only this split ('valid' or 'test'). Default both. */
  split?: string;
}

/**
 * NDCG@K and HR@K of A and B and the interval of B - A, per split and protocol that both rank
 * (in A's order). One generator draws for every row in turn, so the intervals quoted in
 * docs/RESULTS.md (tools/results/compare-runs.js, which this replaces) reproduce exactly.
 */
export function compareRanks(a: RankGroups, b: RankGroups, options: CompareOptions = {}): PairedComparison[] {
  const k = options.k ?? 10;
  const resamples = options.resamples ?? 2000;
  const random = splitmix32(options.seed ?? 1);
  const rows: PairedComparison[] = [];
  for (const [group, ranksA] of a) {
    const ranksB = b.get(group);
    if (ranksB === undefined || (options.split !== undefined && !group.startsWith(`${options.split},`))) continue;
    const users = [...ranksA.keys()].filter((u) => ranksB.has(u));
    const unpaired = ranksA.size + ranksB.size - 2 * users.length;
    for (const metric of [`NDCG@${k}`, `HR@${k}`]) {
      const perUser = (ranks: Map<string, number>) =>
        users.map((u) => metricsFromRanks([ranks.get(u) as number], [k])[metric] as number);
      const valuesA = perUser(ranksA);
      const valuesB = perUser(ranksB);
      const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
      const [low, high] = bootstrapInterval(
        valuesB.map((v, i) => v - (valuesA[i] as number)),
        resamples,
        random,
      );
      rows.push({
        group,
        users: users.length,
        unpaired,
        metric,
        meanA: mean(valuesA),
        meanB: mean(valuesB),
        low,
        high,
      });
    }
  }
  return rows;
}
