/**
 * The `seqrec` command line: `run(argv, io)` parses, dispatches and returns an exit code, so tests
 * call it in-process. Exit codes: 0 ok, 1 unexpected failure, 2 bad flag/file/environment (one
 * `seqrec: error: ...` line on stderr, never a stack trace), 3 training diverged (NaN loss).
 */
import { Command, CommanderError, Option } from 'commander';
import { DataFormatError } from '@seqrec/data';
import { NonFiniteLossError, TrainInputError } from '@seqrec/train';
import { registerBenchCommand } from './commands/bench';
import { convertCommand } from './commands/convert';
import { evalCommand } from './commands/eval';
import { infoCommand } from './commands/info';
import { plotCommand } from './commands/plot';
import { recommendCommand } from './commands/recommend';
import { serveCommand } from './commands/serve';
import { statsCommand } from './commands/stats';
import { trainCommand } from './commands/train';
import { EXIT, UsageError, environmentProblem } from './errors';
import type { CliIo } from './io';
import { normalizeFlags, spellFlagsAsTyped } from './flagSpelling';
import { SEQREC_VERSION } from './provenance';
import { TRAIN_FLAGS } from './trainFlags';

type Action = () => Promise<number>;

function buildProgram(io: CliIo, setAction: (a: Action) => void): Command {
  const program = new Command('seqrec')
    .description('Sequential recommendation (SASRec / TiSASRec, with mHC) on tfjs')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: () => undefined, outputError: () => undefined })
    .showHelpAfterError(false)
    .showSuggestionAfterError(true)
    .allowExcessArguments(false)
    .version(SEQREC_VERSION, '-V, --version', 'print the seqrec version');

  const train = program
    .command('train')
    .description('train a model (flags as the reference main.py; kebab-case aliases accepted)');
  for (const [name, value, def, help] of TRAIN_FLAGS) {
    const flag = value === '' ? `--${name}` : value === '[bool]' ? `--${name} [bool]` : `--${name} <${value}>`;
    const option = new Option(flag, help);
    if (def !== undefined) option.default(def);
    train.addOption(option);
  }
  train.action((opts: Record<string, unknown>) => setAction(() => trainCommand(opts, io)));

  program
    .command('eval')
    .description("evaluate a train dir's best model (reproduces the training-time metrics)")
    .requiredOption('--train_dir <dir>', 'a train dir written by seqrec train')
    .option('--protocol <sampled|full|both>', 'evaluation protocol(s)', 'both')
    .option('--split <valid|test|both>', 'which split(s)', 'both')
    .option('--backend <tensorflow|wasm|cpu>', 'tfjs backend (default: as in training)')
    .option('--ranks_out <file>', "also write every user's rank as CSV (split,protocol,user,rank)")
    .option('--json', 'one JSON line per result on stdout')
    .action((opts: Record<string, unknown>) => setAction(() => evalCommand(opts, io)));

  program
    .command('recommend')
    .description('top-K raw item ids for a user or an item history (history excluded)')
    .requiredOption('--train_dir <dir>', 'a train dir written by seqrec train')
    .option('--user <raw id>', 'a user of the training data (their whole history is used)')
    .option('--items <ids>', 'raw item ids, comma-separated, oldest first')
    .option('--timestamps <ts>', 'timestamps of --items, comma-separated (time-aware models)')
    .option('-k, --k <n>', 'number of recommendations', '10')
    .option('--all', 'every user (or one --shard of them), as JSON lines in --out')
    .option('--shard <i/n>', 'with --all: the i-th of n slices of the users (1-based)')
    .option('--out <file.jsonl>', 'with --all: output file (written to a temp file, then renamed)')
    .option('--batch_size <n>', 'with --all: users per forward pass', '128')
    .option('--json', 'one JSON line on stdout')
    .action((opts: Record<string, unknown>) => setAction(() => recommendCommand(opts, io)));

  program
    .command('serve')
    .description("an HTTP JSON service of a train dir's best model (POST /v1/recommend, GET /v1/health, GET /v1/model)")
    .requiredOption('--train_dir <dir>', 'a train dir written by seqrec train')
    .option('--port <n>', 'TCP port (0 = any free port)', '8080')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--backend <tensorflow|wasm|cpu>', 'tfjs backend (default: as in training)')
    .option('--max_batch <n>', 'most requests in one forward pass', '64')
    .option('--max_wait_ms <ms>', 'longest wait for a batch to fill', '2')
    .option('--threads <n>', 'scoring threads, each with a copy of the model (0 = score on the HTTP thread)', '1')
    .action((opts: Record<string, unknown>) => setAction(() => serveCommand(opts, io)));

  program
    .command('convert')
    .description('convert ml-1m <ratings.dat|ml-1m.zip|folder> <out.txt> to `user item timestamp` lines')
    .argument('<kind>', 'ml-1m')
    .argument('<input>', 'ratings.dat, ml-1m.zip or a folder holding ratings.dat')
    .argument('<output>', 'output text file')
    .action((kind: string, input: string, output: string) => setAction(() => convertCommand(kind, input, output, io)));

  program
    .command('stats')
    .description('statistics of a dataset')
    .option('--dataset <name|path>', "dataset name, path or 'synthetic'", 'synthetic')
    .option('--data_dir <dir>', 'where a bare --dataset name is looked up', 'data')
    .option('--format <format>', 'input format (default: detected)')
    .option('--user_column <name>', 'csv/tsv: header of the user column')
    .option('--item_column <name>', 'csv/tsv: header of the item column')
    .option('--time_column <name>', 'csv/tsv: header of the timestamp column')
    .option('--json', 'JSON on stdout')
    .action((opts: Record<string, unknown>) => setAction(() => statsCommand(opts, io)));

  program
    .command('plot')
    .description("a train dir's learning curve (and other runs' as label=dir) as an SVG, from metrics.jsonl")
    .argument('[runs...]', 'more runs to draw beside it, as label=dir')
    .requiredOption('--train_dir <dir>', 'a train dir written by seqrec train')
    .option('--out <file.svg>', 'output file (default: <train_dir>/curves.svg)')
    .option('--metric <name>', 'metric to draw', 'NDCG@10')
    .option('--split <valid|test>', 'split', 'valid')
    .option('--protocol <sampled|full>', 'evaluation protocol', 'full')
    .option('--from_epoch <n>', 'leave out earlier evaluations (and zoom the y axis to the rest)', '0')
    .option('--title <text>', 'title (default: split, protocol and metric)')
    .option('--label <name>', "the --train_dir run's name in the legend (default: the folder's name)")
    .option('--json', 'one JSON line on stdout')
    .action((runs: string[], opts: Record<string, unknown>) => setAction(() => plotCommand(runs, opts, io)));

  program
    .command('info')
    .description('versions and available tfjs backends')
    .option('--json', 'JSON on stdout')
    .action((opts: Record<string, unknown>) => setAction(() => infoCommand(opts, io)));

  registerBenchCommand(program, io, setAction);
  return program;
}

/** One line, no stack: the message of a usage error (commander's "Did you mean" hint kept). */
function oneLine(message: string): string {
  const [first, second] = message.replace(/^error:\s*/i, '').split('\n');
  return second !== undefined && second.startsWith('(Did you mean') ? `${first} ${second}` : (first as string);
}

/** [short, long] of every option that has both, e.g. ['-k', '--k']. */
function shortOptions(program: Command): [string, string][] {
  return [program, ...program.commands].flatMap((command) =>
    command.options.flatMap((o) => (o.short !== undefined && o.long !== undefined ? [[o.short, o.long]] : [])),
  ) as [string, string][];
}

export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let action: Action | null = null;
  const program = buildProgram(io, (a) => (action = a));
  const usage = (message: string) => {
    io.stderr(`seqrec: error: ${spellFlagsAsTyped(oneLine(message), argv, shortOptions(program))}\n`);
    return EXIT.usage;
  };
  try {
    await program.parseAsync(normalizeFlags(argv), { from: 'user' });
    if (action === null) {
      io.stdout(program.helpInformation());
      return EXIT.ok;
    }
    return await (action as Action)();
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
      )
        return EXIT.ok;
      return usage(error.message);
    }
    if (
      error instanceof UsageError ||
      error instanceof RangeError ||
      error instanceof TrainInputError ||
      error instanceof DataFormatError
    )
      return usage(error.message);
    const problem = environmentProblem(error);
    if (problem !== null) {
      io.stderr(`seqrec: error: ${problem}\n`);
      if (process.env['SEQREC_DEBUG']) io.stderr(`${(error as Error).stack ?? ''}\n`);
      return EXIT.usage;
    }
    if (error instanceof NonFiniteLossError) {
      io.stderr(`seqrec: error: ${error.message}\n`);
      return EXIT.diverged;
    }
    io.stderr(`seqrec: error: ${oneLine(error instanceof Error ? error.message : String(error))}\n`);
    if (process.env['SEQREC_DEBUG']) io.stderr(`${(error as Error).stack ?? ''}\n`);
    return EXIT.failure;
  }
}
