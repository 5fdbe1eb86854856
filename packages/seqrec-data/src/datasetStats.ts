/**
 * datasetStats / formatStatsTable: the summary the CLI prints before training.
 * Percentiles use the nearest-rank method: p-th percentile = the ceil(p * n)-th smallest length.
 */
import { type Dataset } from './buildDataset';

export interface DatasetStats {
  users: number;
  items: number;
  interactions: number;
  /** Sequence length (interactions per user). */
  seqLength: { min: number; mean: number; p50: number; p90: number; p99: number; max: number };
  /** Timestamps as in the input (usually unix seconds); null without timestamps. */
  time: { first: number; last: number; spanDays: number } | null;
  /** interactions / (users * items). */
  density: number;
}

function nearestRank(sorted: Int32Array, p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
}

export function datasetStats(dataset: Dataset): DatasetStats {
  const lengths = Int32Array.from(dataset.sequences, (s) => s.items.length).sort();
  let interactions = 0;
  for (const n of lengths) interactions += n;
  let first = Infinity;
  let last = -Infinity;
  if (dataset.hasTimestamps) {
    for (const s of dataset.sequences) {
      const t = s.timestamps;
      if (t === null || t.length === 0) continue;
      // Sequences are sorted, so the ends hold each user's extremes.
      first = Math.min(first, t[0]);
      last = Math.max(last, t[t.length - 1]);
    }
  }
  const U = dataset.numUsers;
  const V = dataset.numItems;
  return {
    users: U,
    items: V,
    interactions,
    seqLength: {
      min: U > 0 ? lengths[0] : 0,
      mean: U > 0 ? interactions / U : 0,
      p50: U > 0 ? nearestRank(lengths, 0.5) : 0,
      p90: U > 0 ? nearestRank(lengths, 0.9) : 0,
      p99: U > 0 ? nearestRank(lengths, 0.99) : 0,
      max: U > 0 ? lengths[U - 1] : 0,
    },
    time: Number.isFinite(first) ? { first, last, spanDays: (last - first) / 86400 } : null,
    density: U > 0 && V > 0 ? interactions / (U * V) : 0,
  };
}

function isoDate(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  return Number.isNaN(d.getTime()) ? String(unixSeconds) : d.toISOString().slice(0, 10);
}

/** Two aligned columns: labels left-aligned, values right-aligned. One line per statistic, no trailing newline. */
export function formatStatsTable(stats: DatasetStats): string {
  const int = (n: number): string => n.toLocaleString('en-US');
  const L = stats.seqLength;
  const rows: [string, string][] = [
    ['users', int(stats.users)],
    ['items', int(stats.items)],
    ['interactions', int(stats.interactions)],
    ['density', `${(stats.density * 100).toFixed(4)}%`],
    ['seq length min', int(L.min)],
    ['seq length mean', L.mean.toFixed(1)],
    ['seq length p50', int(L.p50)],
    ['seq length p90', int(L.p90)],
    ['seq length p99', int(L.p99)],
    ['seq length max', int(L.max)],
  ];
  if (stats.time !== null) {
    rows.push(['first timestamp', `${stats.time.first} (${isoDate(stats.time.first)})`]);
    rows.push(['last timestamp', `${stats.time.last} (${isoDate(stats.time.last)})`]);
    rows.push(['time span', `${stats.time.spanDays.toFixed(1)} days`]);
  } else {
    rows.push(['timestamps', 'none']);
  }
  const left = Math.max(...rows.map(([k]) => k.length));
  const right = Math.max(...rows.map(([, v]) => v.length));
  return rows.map(([k, v]) => `${k.padEnd(left)}  ${v.padStart(right)}`).join('\n');
}
