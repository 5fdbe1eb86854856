/**
 * Learning curves of training runs as a standalone SVG (no dependencies): one line per run of one
 * evaluation metric (e.g. valid / full / NDCG@10) against the epoch, from each run's
 * `metrics.jsonl` records. Browser-safe: it takes records, not files (`seqrec plot` reads them).
 */

/** One plotted run: its label and (epoch, value) points in epoch order. */
export interface CurveSeries {
  label: string;
  points: [number, number][];
}

export interface CurveSelection {
  /** Default 'valid'. */
  split?: string;
  /** Default 'full'. */
  protocol?: string;
  /** Default 'NDCG@10'. */
  metric?: string;
  /** Evaluations before this epoch are left out (and the y axis zooms to the rest). Default 0. */
  fromEpoch?: number;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];

function selection(s: CurveSelection): Required<CurveSelection> {
  return {
    split: s.split ?? 'valid',
    protocol: s.protocol ?? 'full',
    metric: s.metric ?? 'NDCG@10',
    fromEpoch: s.fromEpoch ?? 0,
  };
}

/** The (epoch, value) points of the selected metric among `metrics.jsonl` records. */
export function curvePoints(
  records: readonly Record<string, unknown>[],
  select: CurveSelection = {},
): [number, number][] {
  const s = selection(select);
  const points: [number, number][] = [];
  for (const r of records) {
    const metrics = r['metrics'] as Record<string, number> | undefined;
    const epoch = r['epoch'] as number;
    if (r['type'] !== 'eval' || r['split'] !== s.split || r['protocol'] !== s.protocol) continue;
    if (metrics === undefined || !(s.metric in metrics) || epoch < s.fromEpoch) continue;
    points.push([epoch, metrics[s.metric] as number]);
  }
  return points;
}

/** The SVG text of `series` (each with at least one point). `title` defaults to the selection. */
export function learningCurveSvg(series: readonly CurveSeries[], select: CurveSelection = {}, title = ''): string {
  const s = selection(select);
  if (series.length === 0 || series.some((c) => c.points.length === 0))
    throw new RangeError('learningCurveSvg: every series needs at least one point');
  // The legend column is as wide as the longest label (~7 px per character at 12 px).
  const right = 50 + 7 * Math.max(...series.map((c) => c.label.length));
  const [W, H, left, top, bottom] = [560 + right, 420, 64, 40, 48];
  const xs = series.flatMap((c) => c.points.map((p) => p[0]));
  const ys = series.flatMap((c) => c.points.map((p) => p[1]));
  const xMax = Math.max(...xs);
  const xMin = Math.min(0, ...xs);
  // From epoch 0 the y axis starts at 0; from a later epoch it spans the plotted values (+-10%),
  // so curves a few thousandths apart can be told apart.
  const zoomed = s.fromEpoch > 0;
  const ySpread = Math.max(...ys) - Math.min(...ys) || Math.max(...ys) || 1;
  const yMax = zoomed ? Math.max(...ys) + 0.1 * ySpread : Math.max(...ys) * 1.08 || 1;
  const yMin = zoomed ? Math.max(0, Math.min(...ys) - 0.1 * ySpread) : 0;
  const X = (x: number) => left + ((x - xMin) / (xMax - xMin || 1)) * (W - left - right);
  const Y = (y: number) => H - bottom - ((y - yMin) / (yMax - yMin)) * (H - top - bottom);
  const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${esc(
      title || `${s.split} ${s.protocol} ${s.metric}`,
    )}</text>`,
  ];
  for (let i = 0; i <= 5; i++) {
    const y = yMin + ((yMax - yMin) * i) / 5;
    parts.push(`<line x1="${left}" x2="${W - right}" y1="${Y(y)}" y2="${Y(y)}" stroke="#ddd"/>`);
    parts.push(`<text x="${left - 6}" y="${Y(y) + 4}" text-anchor="end">${y.toFixed(3)}</text>`);
  }
  // Epoch ticks on a round step (1, 2, 5 x 10^k) giving at most 8 labels.
  const rawStep = (xMax - xMin) / 8;
  const magnitude = 10 ** Math.floor(Math.log10(rawStep || 1));
  const xStep = [1, 2, 5, 10].map((m) => m * magnitude).find((step) => step >= rawStep) ?? magnitude * 10;
  for (let x = Math.ceil(xMin / xStep) * xStep; x <= xMax; x += xStep) {
    parts.push(`<text x="${X(x)}" y="${H - bottom + 16}" text-anchor="middle">${x}</text>`);
  }
  parts.push(`<line x1="${left}" x2="${left}" y1="${top}" y2="${H - bottom}" stroke="#333"/>`);
  parts.push(`<line x1="${left}" x2="${W - right}" y1="${H - bottom}" y2="${H - bottom}" stroke="#333"/>`);
  parts.push(`<text x="${(left + W - right) / 2}" y="${H - 10}" text-anchor="middle">epoch</text>`);
  parts.push(
    `<text transform="translate(16 ${(top + H - bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(
      s.metric,
    )}</text>`,
  );
  series.forEach((c, i) => {
    const color = COLORS[i % COLORS.length] as string;
    const d = c.points.map((p, j) => `${j === 0 ? 'M' : 'L'}${X(p[0]).toFixed(1)},${Y(p[1]).toFixed(1)}`).join(' ');
    parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"/>`);
    for (const p of c.points)
      parts.push(`<circle cx="${X(p[0]).toFixed(1)}" cy="${Y(p[1]).toFixed(1)}" r="2.5" fill="${color}"/>`);
    const ly = top + 10 + i * 20;
    parts.push(
      `<line x1="${W - right + 12}" x2="${W - right + 32}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"/>`,
    );
    parts.push(`<text x="${W - right + 38}" y="${ly + 4}">${esc(c.label)}</text>`);
  });
  parts.push('</svg>\n');
  return parts.join('\n');
}
