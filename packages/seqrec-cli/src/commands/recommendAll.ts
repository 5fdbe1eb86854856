/**
 * `seqrec recommend --all [--shard i/n] --out FILE.jsonl`: the top-K of every user (or of one
 * shard of them) as JSON lines; see recommendAll.ts. A rerun of a finished shard is a no-op.
 */
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { WEIGHTS_FILE } from '@seqrec/models';
import { selectBackend } from '../backend';
import { UsageError } from '../errors';
import { makeOutput, type CliIo } from '../io';
import { bool, int } from '../parseFlags';
import { recommendAll } from '../recommendAll';
import { parseShard } from '../shard';
import { openRun, reloadSplit } from '../trainDir';
import type { TrainSettings } from '../trainFlags';

export async function recommendAllCommand(raw: Record<string, unknown>, io: CliIo): Promise<number> {
  if (raw['user'] !== undefined || raw['items'] !== undefined)
    throw new UsageError('--all scores every user: give no --user or --items with it');
  if (raw['out'] === undefined) throw new UsageError('--all needs --out FILE.jsonl');
  const out = makeOutput(io, bool('json', raw['json']));
  const k = int('k', raw['k'] ?? '10');
  const shard = parseShard(raw['shard'] ?? '1/1');
  const batchSize = int('batch_size', raw['batch_size'] ?? '128');
  const run = await openRun(String(raw['train_dir']));
  const s = run.args['seqrec_settings'] as TrainSettings;
  await selectBackend(s.device, s.backend, () => undefined);
  const model = run.checkpoint.model;
  try {
    const split = await reloadSplit(run);
    const weights = await fsp.readFile(path.join(run.checkpoint.dir, WEIGHTS_FILE));
    const result = await recommendAll({
      model,
      vocab: run.vocab,
      users: split.users,
      modelId: createHash('sha256').update(weights).digest('hex'),
      k,
      shard,
      batchSize,
      out: String(raw['out']),
    });
    const what = `${result.lines} users (shard ${shard.index}/${shard.count}) -> ${String(raw['out'])}`;
    if (out.jsonMode)
      out.json({ event: 'recommend_all', already_done: result.alreadyDone, users: result.lines, out: raw['out'] });
    else out.human(result.alreadyDone ? `already complete: ${what}` : `wrote ${what}`);
    return 0;
  } finally {
    model.dispose();
  }
}
