/**
 * Human-readable form of a `BenchReport`: a header naming the machine and software, an aligned
 * table of the per-configuration measurements (with the PyTorch reference ratio where one was
 * measured), the epoch table, failures and notes. Returns lines; the CLI command prints them.
 */
import { configLabel, variantName } from './configs';
import { referenceFor } from './reference';
import type { BenchReport } from './types';

/** Left-aligns the first column and right-aligns the others. */
export function alignTable(rows: readonly string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number)))
      .join('  ')
      .trimEnd(),
  );
}

const gb = (bytes: number | null) => (bytes === null ? '-' : (bytes / 1e9).toFixed(2));
// A JSON report stores a skipped (NaN) figure as null.
const fixed = (x: number | null, digits: number) => (x !== null && Number.isFinite(x) ? x.toFixed(digits) : '-');
const load = (l: readonly number[]) => (l.length ? (l[0] as number).toFixed(2) : '-');

/** The report as lines of text. */
export function renderBench(r: BenchReport): string[] {
  const m = r.machine;
  const s = r.flags['score'] as { candidates: number; users: number } | undefined;
  const users = s?.users ?? 256;
  const cands = s?.candidates ?? 101;
  const hidden = (r.flags['hidden'] as number | undefined) ?? 50;
  const blocks = (r.flags['blocks'] as number | undefined) ?? 2;
  // The PyTorch reference points are d 50, 2 blocks (reference.ts): no ratio at other sizes.
  const referenceSize = hidden === 50 && blocks === 2;
  const lines = [
    `seqrec bench: backend ${m.backend} (kernels: ${
      m.kernels.map((k) => k.split(' (')[0]).join(', ') || 'stock'
    }), node ${m.node}, tfjs ${m.tfjs}, seqrec ${m.seqrec}`,
    `machine: ${m.cpuModel}, ${m.cores} cores, ${gb(m.totalMemoryBytes)} GB; load average ${r.loadAverage.start
      .map((x) => x.toFixed(2))
      .join(' ')} -> ${r.loadAverage.end.map((x) => x.toFixed(2)).join(' ')}`,
    '',
  ];
  if (r.steps.length > 0) {
    const rows: string[][] = [
      [
        `config (B, d ${hidden}, ${blocks} blocks)`,
        's/step',
        'steps',
        'vs PyTorch',
        'peak RSS GB',
        `${cands} cand 1 user ms`,
        `${cands} cand ${users} users s`,
        `full rank ${users} users s`,
        'load',
      ],
    ];
    for (const x of r.steps) {
      // The PyTorch reference rows are BCE at V 3416: other losses and catalogues have none.
      const comparable = referenceSize && (x.config.loss ?? 'bce') === 'bce' && x.config.numItems === 3416;
      const ref = comparable ? referenceFor(x.config.variant, x.config.maxlen, x.config.heads) : undefined;
      rows.push([
        `${configLabel(x.config)} B${x.config.batch}`,
        fixed(x.stepSeconds, 3),
        String(x.stepSamples.length),
        ref ? `${(x.stepSeconds / ref.stepSeconds).toFixed(2)}x of ${ref.stepSeconds}` : '',
        gb(x.peakRssBytes),
        fixed(x.score1Seconds === null ? null : x.score1Seconds * 1000, 1),
        fixed(x.scoreManySeconds, 3),
        fixed(x.fullRankSeconds, 3),
        load(x.loadAverage),
      ]);
    }
    lines.push(...alignTable(rows), '');
  }
  if (r.epochs.length > 0) {
    const rows: string[][] = [
      [
        `epochs (real data, default batching, d ${hidden}, ${blocks} blocks)`,
        'users',
        'steps/epoch',
        's/epoch (each)',
        's/step',
        'PyTorch est. s/epoch',
        'vs PyTorch',
        'peak RSS GB',
        'load',
      ],
    ];
    for (const e of r.epochs) {
      // The reference pads every batch to the full window, so its epoch on these users is steps x its s/step.
      const ref = referenceSize ? referenceFor(e.variant, e.maxlen, e.heads) : null;
      const last = e.epochSeconds[e.epochSeconds.length - 1] ?? NaN;
      const refEpoch = ref ? ref.stepSeconds * e.stepsPerEpoch : null;
      rows.push([
        `${variantName(e.variant)} L${e.maxlen} h${e.heads}`,
        String(e.users),
        String(e.stepsPerEpoch),
        e.epochSeconds.map((x) => x.toFixed(1)).join(' / '),
        fixed(last / e.stepsPerEpoch, 3),
        refEpoch === null ? '' : refEpoch.toFixed(1),
        refEpoch === null ? '' : `${(last / refEpoch).toFixed(2)}x`,
        gb(e.peakRssBytes),
        load(e.loadAverage),
      ]);
    }
    lines.push(...alignTable(rows), '');
  }
  for (const f of r.failures)
    lines.push(`FAILED ${f.what}: ${f.error}${f.peakRssBytes ? ` (peak RSS ${gb(f.peakRssBytes)} GB)` : ''}`);
  for (const n of r.notes) lines.push(`note: ${n}`);
  if (r.steps.some((x) => !x.isolated)) lines.push('note: measured in-process; peak RSS is cumulative');
  return lines;
}
