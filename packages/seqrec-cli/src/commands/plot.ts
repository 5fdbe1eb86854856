/**
 * `seqrec plot --train_dir DIR [--out FILE.svg] [label=dir ...]`: the learning curve of a run
 * (and of any other runs given as `label=dir`) as a standalone SVG, from each run's
 * metrics.jsonl (`MetricsLog` of @seqrec/train; the drawing is its `learningCurveSvg`).
 */
import * as path from 'node:path';
import { writeFileAtomic } from '@seqrec/files';
import { curvePoints, learningCurveSvg, type CurveSelection } from '@seqrec/train';
import { MetricsLog, METRICS_FILE } from '@seqrec/train/node';
import { UsageError } from '../errors';
import { makeOutput, type CliIo } from '../io';
import { bool, int } from '../parseFlags';

export async function plotCommand(runs: string[], raw: Record<string, unknown>, io: CliIo): Promise<number> {
  const trainDir = String(raw['train_dir']);
  const out = raw['out'] === undefined ? path.join(trainDir, 'curves.svg') : String(raw['out']);
  const select: CurveSelection = {
    split: String(raw['split']),
    protocol: String(raw['protocol']),
    metric: String(raw['metric']),
    fromEpoch: int('from_epoch', raw['from_epoch'], 0),
  };
  const labelled = [
    { label: raw['label'] === undefined ? path.basename(path.resolve(trainDir)) : String(raw['label']), dir: trainDir },
    ...runs.map((arg) => {
      const at = arg.indexOf('=');
      if (at <= 0) throw new UsageError(`'${arg}': give other runs as label=dir`);
      return { label: arg.slice(0, at), dir: arg.slice(at + 1) };
    }),
  ];
  const series = [];
  for (const { label, dir } of labelled) {
    let records: Record<string, unknown>[];
    try {
      records = await MetricsLog.read(dir);
    } catch (error) {
      throw new UsageError(`${path.join(dir, METRICS_FILE)}: ${(error as Error).message}`);
    }
    const points = curvePoints(records, select);
    if (points.length === 0) {
      throw new UsageError(
        `${path.join(dir, METRICS_FILE)}: no ${select.split}/${select.protocol}/${select.metric} evaluations` +
          (records.length === 0 ? ' (no metrics.jsonl, or it is empty: not a train dir?)' : ''),
      );
    }
    series.push({ label, points });
  }
  await writeFileAtomic(out, learningCurveSvg(series, select, String(raw['title'] ?? '')));
  const output = makeOutput(io, bool('json', raw['json']));
  if (output.jsonMode) output.json({ event: 'plot', out, series: series.length });
  else output.human(`wrote ${out} (${series.length} series)`);
  return 0;
}
