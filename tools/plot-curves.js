#!/usr/bin/env node
/**
 * Learning curves from one or more train dirs' metrics.jsonl, as a standalone SVG.
 *
 *   node tools/plot-curves.js --out docs/results/ml100k.svg --metric NDCG@10 --split valid \
 *     --protocol full --title "ML-100K, valid, full ranking" SASRec=runs/sasrec TiSASRec=runs/tisasrec
 *
 * --from_epoch N plots the evaluations from epoch N on, with the y axis zoomed to them.
 *
 * Each positional argument is `label=dir` (or a metrics.jsonl path). Plain JavaScript, no
 * dependencies; the SVG is written atomically.
 */
const fs = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: 'string' },
    metric: { type: 'string', default: 'NDCG@10' },
    split: { type: 'string', default: 'valid' },
    protocol: { type: 'string', default: 'full' },
    title: { type: 'string', default: '' },
    from_epoch: { type: 'string', default: '0' },
  },
});

function fail(message) {
  process.stderr.write(`plot-curves: ${message}\n`);
  process.exit(2);
}

if (!opts.out) fail('--out <file.svg> is required');
if (positionals.length === 0) fail('give at least one label=dir');

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];

const series = positionals.map((arg, i) => {
  const [label, where] = arg.includes('=') ? arg.split(/=(.*)/s) : [path.basename(arg), arg];
  const file = fs.existsSync(where) && fs.statSync(where).isDirectory() ? path.join(where, 'metrics.jsonl') : where;
  if (!fs.existsSync(file)) fail(`${file}: no such file`);
  const points = [];
  fs.readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, n) => {
      if (line.trim() === '') return;
      let record;
      try {
        record = JSON.parse(line);
      } catch {
        fail(`${file}:${n + 1}: not JSON`);
      }
      if (
        record.type === 'eval' &&
        record.split === opts.split &&
        record.protocol === opts.protocol &&
        opts.metric in record.metrics &&
        record.epoch >= Number(opts.from_epoch)
      ) {
        points.push([record.epoch, record.metrics[opts.metric]]);
      }
    });
  if (points.length === 0) fail(`${file}: no ${opts.split}/${opts.protocol}/${opts.metric} records`);
  return { label, points, color: COLORS[i % COLORS.length] };
});

// The legend column is as wide as the longest label (~7 px per character at 12 px).
const right = 50 + 7 * Math.max(...series.map((s) => s.label.length));
const W = 560 + right,
  H = 420,
  left = 64,
  top = 40,
  bottom = 48;
const xs = series.flatMap((s) => s.points.map((p) => p[0]));
const ys = series.flatMap((s) => s.points.map((p) => p[1]));
const xMax = Math.max(...xs),
  xMin = Math.min(0, ...xs);
// From epoch 0 the y axis starts at 0; with --from_epoch it spans the plotted values (+-10%),
// so curves a few thousandths apart can be told apart.
const zoomed = Number(opts.from_epoch) > 0;
const ySpread = Math.max(...ys) - Math.min(...ys) || Math.max(...ys) || 1;
const yMax = zoomed ? Math.max(...ys) + 0.1 * ySpread : Math.max(...ys) * 1.08 || 1,
  yMin = zoomed ? Math.max(0, Math.min(...ys) - 0.1 * ySpread) : 0;
const X = (x) => left + ((x - xMin) / (xMax - xMin || 1)) * (W - left - right);
const Y = (y) => H - bottom - ((y - yMin) / (yMax - yMin)) * (H - top - bottom);
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');

const parts = [
  `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
  `<rect width="${W}" height="${H}" fill="white"/>`,
  `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${esc(
    opts.title || `${opts.split} ${opts.protocol} ${opts.metric}`,
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
const xStep = [1, 2, 5, 10].map((m) => m * magnitude).find((step) => step >= rawStep) || magnitude * 10;
for (let x = Math.ceil(xMin / xStep) * xStep; x <= xMax; x += xStep) {
  parts.push(`<text x="${X(x)}" y="${H - bottom + 16}" text-anchor="middle">${x}</text>`);
}
parts.push(`<line x1="${left}" x2="${left}" y1="${top}" y2="${H - bottom}" stroke="#333"/>`);
parts.push(`<line x1="${left}" x2="${W - right}" y1="${H - bottom}" y2="${H - bottom}" stroke="#333"/>`);
parts.push(`<text x="${(left + W - right) / 2}" y="${H - 10}" text-anchor="middle">epoch</text>`);
parts.push(
  `<text transform="translate(16 ${(top + H - bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(
    opts.metric,
  )}</text>`,
);
series.forEach((s, i) => {
  const d = s.points.map((p, j) => `${j === 0 ? 'M' : 'L'}${X(p[0]).toFixed(1)},${Y(p[1]).toFixed(1)}`).join(' ');
  parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
  for (const p of s.points)
    parts.push(`<circle cx="${X(p[0]).toFixed(1)}" cy="${Y(p[1]).toFixed(1)}" r="2.5" fill="${s.color}"/>`);
  const ly = top + 10 + i * 20;
  parts.push(
    `<line x1="${W - right + 12}" x2="${W - right + 32}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2"/>`,
  );
  parts.push(`<text x="${W - right + 38}" y="${ly + 4}">${esc(s.label)}</text>`);
});
parts.push('</svg>\n');

fs.mkdirSync(path.dirname(path.resolve(opts.out)), { recursive: true });
const temp = `${opts.out}.tmp-${process.pid}`;
fs.writeFileSync(temp, parts.join('\n'));
fs.renameSync(temp, opts.out);
process.stdout.write(`wrote ${opts.out} (${series.length} series)\n`);
