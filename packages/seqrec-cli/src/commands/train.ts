/**
 * `seqrec train`: load the data, train (or with --inference_only, just evaluate), keep the best
 * model, print the final metrics and a few example recommendations.
 */
import { promises as fsp, constants as fsConstants } from 'node:fs';
import * as path from 'node:path';
import { userHistory, type SplitDataset, type Vocabulary } from '@seqrec/data';
import { evaluate, runEvalOptions, type EvalRecord } from '@seqrec/train';
import { loadCheckpoint, resolveTrainOptions, train } from '@seqrec/train/node';
import { recommend, type SequentialRecommender } from '@seqrec/models';
import { loadModel } from '@seqrec/models/node';
import { selectBackend } from '../backend';
import { columnOptions } from '../columnFlags';
import { loadSplit, resolveDatasetPath } from '../dataset';
import { UsageError } from '../errors';
import { makeOutput, type CliIo, type Output } from '../io';
import { checkLossFlagsForCatalogue } from '../lossFlags';
import { formatRecords, progressReporter } from '../progress';
import { ARGS_FILE } from '../trainDir';
import { flagOfOption, resolveTrainFlags, trainOptionsOf } from '../trainFlags';
import { provenance } from '../provenance';
import { checkSavedVocabulary, resolveSavedModel } from '../savedModel';

/** Creates the train dir and proves it is writable; a UsageError naming it otherwise. */
export async function ensureWritableDir(dir: string): Promise<void> {
  try {
    // One level at a time: recursive mkdir spins forever under some pseudo file systems (/proc).
    const missing: string[] = [];
    let p = path.resolve(dir);
    while (
      !(await fsp.stat(p).then(
        () => true,
        () => false,
      ))
    ) {
      missing.unshift(p);
      p = path.dirname(p);
    }
    for (const m of missing) await fsp.mkdir(m);
    if (!(await fsp.stat(dir)).isDirectory()) throw new UsageError(`--train_dir ${dir} is a file, not a folder`);
    await fsp.access(dir, fsConstants.W_OK);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(
      `--train_dir ${dir} is not writable (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
}

/** Prints up to `count` example recommendations (users with a test item) from `model`. */
export async function printExamples(
  out: Output,
  model: SequentialRecommender,
  split: SplitDataset,
  vocab: Vocabulary,
  count = 3,
): Promise<void> {
  const users = split.users.filter((u) => u.test !== 0).slice(0, count);
  if (users.length === 0) return;
  const recs = await recommend(model, users.map(userHistory), 5);
  out.human('example recommendations (top 5, history excluded):');
  users.forEach((u, i) => {
    const r = recs[i] as { items: Int32Array };
    out.human(`  user ${vocab.rawUser(u.user)}: ${Array.from(r.items, (id) => vocab.rawItem(id)).join(', ')}`);
  });
}

export async function trainCommand(raw: Record<string, unknown>, io: CliIo): Promise<number> {
  const s = resolveTrainFlags(raw);
  const out = makeOutput(io, s.json);
  await ensureWritableDir(s.trainDir);
  const datasetPath = await resolveDatasetPath(s.dataset, s.dataDir);
  const backend = await selectBackend(s.device, s.backend, out.human);
  const split = await loadSplit({
    dataset: datasetPath ?? s.dataset,
    dataDir: s.dataDir,
    format: s.format,
    columns: columnOptions(raw),
  });
  const { dataset } = split;
  if (s.model.kind === 'tisasrec' && !dataset.hasTimestamps) {
    throw new UsageError(
      `--dataset ${s.dataset} has no timestamps; TiSASRec (the default) needs them: add --no_time for SASRec`,
    );
  }
  out.human(
    `data: ${datasetPath ?? 'synthetic (embedded generator)'}: ${dataset.numUsers} users, ${dataset.numItems} items`,
  );
  checkLossFlagsForCatalogue(s.loss, dataset.numItems);
  // A model to start from or evaluate is checked before anything is written.
  const savedFlag = s.stateDictPath !== null ? `--state_dict_path ${s.stateDictPath}` : `--train_dir ${s.trainDir}`;
  const savedModelDir =
    s.stateDictPath !== null || s.inferenceOnly
      ? await resolveSavedModel(s.stateDictPath ?? path.join(s.trainDir, 'best'), savedFlag)
      : null;
  if (savedModelDir !== null) await checkSavedVocabulary(savedModelDir, savedFlag, dataset.vocab);
  const options = trainOptionsOf(s);
  // The effective thread count (the train option's default and cap), recorded in args.json.
  const { workers, shardEveryStep } = resolveTrainOptions(options);
  const args = {
    ...raw,
    workers: shardEveryStep ? String(workers) : 'auto',
    worker_threads: String(workers),
    dataset_path: datasetPath,
    backend: backend.backend,
    device: s.device,
    seqrec_settings: s,
    ...provenance(),
  };
  const vocab = dataset.vocab;
  if (s.inferenceOnly) {
    const model = await loadModel(savedModelDir as string);
    const records = await evaluate(model, split, runEvalOptions(model.config, s)).finally(() => model.dispose());
    report(out, records, null);
    return 0;
  }

  const result = await train(split, vocab.toJSON(), {
    ...options,
    initFrom: savedModelDir,
    reporter: progressReporter(out),
    // Written by the trainer once the train dir and the run are checked, never before.
    runFiles: { [ARGS_FILE]: JSON.stringify(args, null, 2) + '\n' },
    optionName: flagOfOption,
  });
  result.model.dispose();
  if (result.best !== null) {
    out.human(
      `best ${result.selectionMetric} ${result.best.value.toFixed(4)} at epoch ${result.best.epoch}; model in ${
        result.bestDir
      }`,
    );
    const best = await loadCheckpoint(result.bestDir);
    await printExamples(out, best.model, split, vocab);
    best.model.dispose();
  }
  report(out, result.best?.records ?? [], {
    epochs: result.epochs,
    bestEpoch: result.best?.epoch ?? null,
    stopReason: result.stopReason,
    trainDir: s.trainDir,
  });
  return 0;
}

/** Final metrics: a table for humans, one summary JSON line with --json. */
function report(out: Output, records: EvalRecord[], extra: Record<string, unknown> | null): void {
  if (records.length > 0) {
    out.human('final metrics (best model):');
    for (const line of formatRecords(records)) out.human(`  ${line}`);
  }
  out.json({ event: 'summary', ...(extra ?? {}), results: records });
}
