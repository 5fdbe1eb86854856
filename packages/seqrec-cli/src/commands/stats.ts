/** `seqrec stats --dataset=...`: the data package's statistics table (or JSON with --json). */
import { buildDataset, datasetStats, formatStatsTable } from '@seqrec/data';
import { columnOptions } from '../columnFlags';
import { loadLog } from '../dataset';
import { makeOutput, type CliIo } from '../io';
import { bool, choice } from '../parseFlags';

export async function statsCommand(raw: Record<string, unknown>, io: CliIo): Promise<number> {
  const json = bool('json', raw['json']);
  const format =
    raw['format'] === undefined
      ? undefined
      : choice('format', raw['format'], ['ml-1m', 'ml-100k', 'sasrec', 'csv', 'tsv'] as const);
  const log = await loadLog({
    dataset: String(raw['dataset'] ?? 'synthetic'),
    dataDir: String(raw['data_dir'] ?? 'data'),
    format,
    columns: columnOptions(raw),
  });
  const stats = datasetStats(buildDataset(log));
  if (json) io.stdout(JSON.stringify(stats) + '\n');
  else makeOutput(io, false).human(formatStatsTable(stats));
  return 0;
}
