/**
 * `seqrec eval`: evaluate the saved best model of a train dir with the run's own settings
 * (seed, eval users, batch size, bucketing), so it reproduces the metrics recorded in training.
 */
import { evaluate, timeSettings, type Protocol, type SplitName } from '@seqrec/train';
import type { TrainSettings } from '../trainFlags';
import { selectBackend } from '../backend';
import { makeOutput, type CliIo } from '../io';
import { bool, choice } from '../parseFlags';
import { formatRecords } from '../progress';
import { openRun, reloadSplit } from '../trainDir';

export async function evalCommand(raw: Record<string, unknown>, io: CliIo): Promise<number> {
  const protocol = choice('protocol', raw['protocol'] ?? 'both', ['sampled', 'full', 'both'] as const);
  const splitFlag = choice('split', raw['split'] ?? 'both', ['valid', 'test', 'both'] as const);
  const out = makeOutput(io, bool('json', raw['json']));
  const run = await openRun(String(raw['train_dir']));
  const s = run.args['seqrec_settings'] as TrainSettings;
  await selectBackend(
    s.device,
    raw['backend'] === undefined
      ? s.backend
      : choice('backend', raw['backend'], ['tensorflow', 'wasm', 'cpu'] as const),
    out.human,
  );
  const split = await reloadSplit(run);
  const model = run.checkpoint.model;
  const records = await evaluate(model, split, {
    protocols: protocol === 'both' ? (['sampled', 'full'] as Protocol[]) : [protocol],
    splits: splitFlag === 'both' ? (['valid', 'test'] as SplitName[]) : [splitFlag],
    ks: s.ks,
    maxlen: model.config.maxlen,
    batchSize: s.evalBatchSize,
    evalUsers: s.evalUsers,
    seed: s.seed,
    bucketing: s.bucketing,
    time: timeSettings(model.config, s.timeUnit),
  });
  model.dispose();
  for (const line of formatRecords(records)) out.human(line);
  for (const r of records)
    out.json({ event: 'eval', split: r.split, protocol: r.protocol, users: r.users, metrics: r.metrics });
  return 0;
}
