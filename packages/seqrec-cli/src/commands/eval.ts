/**
 * `seqrec eval`: evaluate the saved best model of a train dir with the run's own settings
 * (seed, eval users, batch size, bucketing), so it reproduces the metrics recorded in training.
 * `--ranks_out` also writes every user's rank (CSV `split,protocol,user,rank`, raw user ids,
 * 0 = best), the input of a paired comparison of two models (tools/results/compare-runs.js).
 */
import { writeFileAtomic } from '@seqrec/files';
import { evaluate, runEvalOptions, type Protocol, type SplitName } from '@seqrec/train';
import { recordedBatching, type RecordedSettings } from '../trainFlags';
import { selectBackend } from '../backend';
import { makeOutput, type CliIo } from '../io';
import { bool, choice } from '../parseFlags';
import { formatRecords } from '../progress';
import { openRunReporting, reloadSplit } from '../trainDir';
import { UsageError } from '../errors';

export async function evalCommand(raw: Record<string, unknown>, io: CliIo): Promise<number> {
  const protocol = choice('protocol', raw['protocol'] ?? 'both', ['sampled', 'full', 'both'] as const);
  const splitFlag = choice('split', raw['split'] ?? 'both', ['valid', 'test', 'both'] as const);
  const out = makeOutput(io, bool('json', raw['json']));
  const run = await openRunReporting(String(raw['train_dir']), (line) => io.stderr(`seqrec: ${line}\n`));
  const s = run.args['seqrec_settings'] as RecordedSettings;
  await selectBackend(
    s.device,
    raw['backend'] === undefined
      ? s.backend
      : choice('backend', raw['backend'], ['tensorflow', 'wasm', 'cpu'] as const),
    out.human,
  );
  const split = await reloadSplit(run);
  const model = run.checkpoint.model;
  const ranksOut = raw['ranks_out'] === undefined ? null : String(raw['ranks_out']);
  const rankLines: string[] = ['split,protocol,user,rank'];
  const vocab = split.dataset.vocab;
  const records = await evaluate(model, split, {
    splits: splitFlag === 'both' ? (['valid', 'test'] as SplitName[]) : [splitFlag],
    ...runEvalOptions(model.config, { ...s, batching: recordedBatching(s) }),
    protocols: protocol === 'both' ? (['sampled', 'full'] as Protocol[]) : [protocol],
    onRanks:
      ranksOut === null
        ? undefined
        : (splitName, protocolName, users, ranks) => {
            users.forEach((user, i) =>
              rankLines.push(`${splitName},${protocolName},${vocab.rawUser(user)},${ranks[i]}`),
            );
          },
  });
  model.dispose();
  if (ranksOut !== null) {
    try {
      await writeFileAtomic(ranksOut, rankLines.join('\n') + '\n');
    } catch (error) {
      throw new UsageError(`--ranks_out ${ranksOut}: ${(error as Error).message}`);
    }
  }
  for (const line of formatRecords(records)) out.human(line);
  for (const r of records)
    out.json({ event: 'eval', split: r.split, protocol: r.protocol, users: r.users, metrics: r.metrics });
  return 0;
}
