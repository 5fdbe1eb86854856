/**
 * `seqrec recommend`: top-K raw item ids for a known user (their whole history) or for a given
 * list of raw item ids (oldest first, with --timestamps for time-aware models).
 */
import { userHistory } from '@seqrec/data';
import { recommend, timeSettings } from '@seqrec/models';
import { selectBackend } from '../backend';
import { UsageError } from '../errors';
import { makeOutput, type CliIo } from '../io';
import { bool, int } from '../parseFlags';
import { openRunReporting, reloadSplit } from '../trainDir';
import { recommendAllCommand } from './recommendAll';
import type { TrainSettings } from '../trainFlags';

export async function recommendCommand(raw: Record<string, unknown>, io: CliIo): Promise<number> {
  if (bool('all', raw['all'])) return recommendAllCommand(raw, io);
  if (raw['shard'] !== undefined || raw['out'] !== undefined) throw new UsageError('--shard and --out go with --all');
  const k = int('k', raw['k'] ?? '10');
  const out = makeOutput(io, bool('json', raw['json']));
  const user = raw['user'] as string | undefined;
  const itemsFlag = raw['items'] as string | undefined;
  if ((user === undefined) === (itemsFlag === undefined)) throw new UsageError('give exactly one of --user or --items');
  const run = await openRunReporting(String(raw['train_dir']), (line) => io.stderr(`seqrec: ${line}\n`));
  const s = run.args['seqrec_settings'] as TrainSettings;
  await selectBackend(s.device, s.backend, () => undefined);
  const model = run.checkpoint.model;
  const time = timeSettings(model.config);
  let items: Int32Array;
  let times: number[] | null = null;
  if (user !== undefined) {
    const id = run.vocab.userId(user);
    if (id === undefined) throw new UsageError(`--user '${user}' is not in the training data`);
    const u = (await reloadSplit(run)).users[id - 1];
    if (u === undefined) throw new UsageError(`--user '${user}' is not in the training data`);
    ({ items, times } = userHistory(u));
  } else {
    const raws = String(itemsFlag)
      .split(',')
      .map((x) => x.trim())
      .filter((x) => x !== '');
    if (raws.length === 0) throw new UsageError('--items needs at least one item id');
    items = Int32Array.from(
      raws.map((r) => {
        const id = run.vocab.itemId(r);
        if (id === undefined) throw new UsageError(`--items: item '${r}' is not in the training data`);
        return id;
      }),
    );
    if (raw['timestamps'] !== undefined) {
      times = String(raw['timestamps'])
        .split(',')
        .map((t) => Number(t.trim()));
      if (times.length !== raws.length || !times.every(Number.isFinite)) {
        throw new UsageError(
          `--timestamps needs one number per item (${raws.length}), got '${String(raw['timestamps'])}'`,
        );
      }
      if (times.some((t, i) => i > 0 && t < (times as number[])[i - 1]!))
        throw new UsageError('--timestamps must be ascending (oldest first)');
    } else if (time !== null) {
      throw new UsageError('this model is time-aware (TiSASRec): give --timestamps for the --items');
    }
  }
  const [rec] = await recommend(model, [{ items, times }], k);
  model.dispose();
  const list = Array.from(rec?.items ?? [], (id, i) => ({
    item: run.vocab.rawItem(id),
    score: (rec as { scores: Float32Array }).scores[i] as number,
  }));
  if (out.jsonMode) out.json({ event: 'recommendations', user: user ?? null, k, items: list });
  else list.forEach((r, i) => out.human(`${String(i + 1).padStart(3)}  ${r.item}  ${r.score.toFixed(4)}`));
  return 0;
}
