/**
 * `seqrec bench`: times a training step, scoring and real epochs for the four model variants
 * (see docs/PERFORMANCE.md) and prints an aligned table, or with --json one JSON document with
 * everything (backend, flags, versions, machine, load average). Progress goes to stderr.
 * `registerBenchCommand` adds the subcommand to the program built in run.ts.
 */
import { type Command } from 'commander';
import { DEFAULT_LOSS_CONFIG, LOSSES, LOSS_RANGES, MODEL_RANGES, type LossName } from '@seqrec/models';
import { BACKENDS } from '@seqrec/runtime';
import { EMBEDDING_UPDATES } from '@seqrec/train';
import { VARIANTS, renderBench, runBench, type BenchOptions, type Variant } from '../bench';
import { UsageError } from '../errors';
import { makeOutput, type CliIo } from '../io';
import { bool, choice, int, intList, ranged } from '../parseFlags';

/** `sasrec,TiSASRec+mHC,...` (also `-mhc` / `_mhc`) -> variants. */
export function parseVariants(value: unknown): Variant[] {
  const parts = String(value)
    .split(',')
    .map((s) =>
      s
        .trim()
        .toLowerCase()
        .replace(/[-_]mhc$/, '+mhc'),
    )
    .filter((s) => s !== '');
  for (const p of parts) {
    if (!(VARIANTS as readonly string[]).includes(p))
      throw new UsageError(`--variants: unknown variant '${p}' (expected ${VARIANTS.join(', ')})`);
  }
  if (parts.length === 0) throw new UsageError(`--variants must list at least one of ${VARIANTS.join(', ')}`);
  return parts as Variant[];
}

/** `bce,ce,...` -> losses (@seqrec/models LOSSES). */
export function parseLosses(value: unknown): LossName[] {
  const parts = String(value)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (parts.length === 0) throw new UsageError(`--losses must list at least one of ${LOSSES.join(', ')}`);
  return parts.map((p) => choice('losses', p, LOSSES));
}

/** The flags as bench options. */
export function benchOptionsFromFlags(raw: Record<string, unknown>): BenchOptions {
  const o: BenchOptions = { quick: bool('quick', raw['quick']), skipEpoch: bool('skip_epoch', raw['skip_epoch']) };
  if (raw['backend'] !== undefined) o.backend = choice('backend', raw['backend'], BACKENDS);
  if (raw['variants'] !== undefined) o.variants = parseVariants(raw['variants']);
  if (raw['maxlens'] !== undefined) o.maxlens = intList('maxlens', raw['maxlens'], MODEL_RANGES.maxlen);
  if (raw['dataset'] !== undefined) o.dataset = String(raw['dataset']);
  if (raw['epochs'] !== undefined) o.epochs = int('epochs', raw['epochs']);
  if (raw['losses'] !== undefined) o.losses = parseLosses(raw['losses']);
  if (raw['num_negatives'] !== undefined)
    o.numNegatives = ranged('num_negatives', raw['num_negatives'], LOSS_RANGES.numNegatives);
  if (raw['num_items'] !== undefined) o.numItems = int('num_items', raw['num_items'], 2, 100000000);
  if (raw['embedding_update'] !== undefined)
    o.embeddingUpdate = choice('embedding_update', raw['embedding_update'], EMBEDDING_UPDATES);
  if (raw['skip_scoring'] !== undefined) o.skipScoring = bool('skip_scoring', raw['skip_scoring']);
  if (raw['hidden_units'] !== undefined) {
    o.hidden = ranged('hidden_units', raw['hidden_units'], MODEL_RANGES.hiddenUnits);
    if (o.hidden % 2 !== 0) throw new UsageError(`--hidden_units ${o.hidden} must be even (the rows use 2 heads)`);
  }
  if (raw['num_blocks'] !== undefined) o.blocks = ranged('num_blocks', raw['num_blocks'], MODEL_RANGES.numBlocks);
  return o;
}

export async function benchCommand(raw: Record<string, unknown>, io: CliIo): Promise<number> {
  const json = bool('json', raw['json']);
  const options = benchOptionsFromFlags(raw);
  const progress = (line: string) => io.stderr(line + '\n');
  const report = await runBench(options, (e) => {
    if (e.type === 'begin') progress(`[${e.index + 1}/${e.total}] ${e.what} ...`);
    else if (!e.outcome.ok) progress(`  failed: ${e.outcome.error}`);
  });
  if (json) io.stdout(JSON.stringify(report) + '\n');
  else {
    const out = makeOutput(io, false);
    for (const line of renderBench(report)) out.human(line);
  }
  return report.steps.length + report.epochs.length > 0 ? 0 : 1;
}

/** Adds `bench` to `program`; `setAction` receives the action to run (as run.ts dispatches). */
export function registerBenchCommand(
  program: Command,
  io: CliIo,
  setAction: (action: () => Promise<number>) => void,
): Command {
  return program
    .command('bench')
    .description('time training steps, scoring and epochs of the four variants (docs/PERFORMANCE.md)')
    .option('--json', 'one JSON document with everything on stdout')
    .option('--backend <tensorflow|wasm|cpu>', 'tfjs backend (default: as --device auto picks)')
    .option('--quick', 'fewer repetitions and 1 epoch (smoke test)')
    .option('--variants <list>', `comma-separated: ${VARIANTS.join(',')}`, VARIANTS.join(','))
    .option('--maxlens <list>', 'comma-separated windows', '50,200')
    .option('--skip_epoch', 'skip the real-data epoch timing')
    .option(
      '--dataset <file>',
      'ratings file of the epoch timing (default: ../shared/data/ml-1m-partial/ratings.dat.gz)',
    )
    .option('--epochs <n>', 'epochs timed per variant (default 2, 1 with --quick)')
    .option('--losses <list>', `training losses timed, comma-separated: ${LOSSES.join(',')} (default bce)`)
    .option(
      '--num_negatives <n>',
      `negatives per step (sampled_softmax) or per position (gbce) (default ${DEFAULT_LOSS_CONFIG.numNegatives})`,
    )
    .option('--num_items <n>', 'V of the synthetic steps (default 3416; e.g. 1000000 for a million-item catalogue)')
    .option(
      '--embedding_update <dense|lazy>',
      "item-table update of the timed steps (default: each loss's training default; ce is always dense)",
    )
    .option('--skip_scoring', 'time training steps only (full ranking at V = 1M alone needs GBs)')
    .option('--hidden_units <n>', 'd of every configuration and epoch (default 50, the PyTorch reference size)')
    .option('--num_blocks <n>', 'transformer blocks (default 2)')
    .action((opts: Record<string, unknown>) => setAction(() => benchCommand(opts, io)));
}
