/**
 * The `seqrec` command line: `run(argv, io)` parses, dispatches and returns an exit code, so tests
 * call it in-process. Exit codes: 0 ok, 1 unexpected failure, 2 bad flag/file/environment (one
 * `seqrec: error: ...` line on stderr, never a stack trace), 3 training diverged (NaN loss).
 */
import { Command, CommanderError, Option } from 'commander';
import { NonFiniteLossError } from '@seqrec/train';
import { registerBenchCommand } from './commands/bench';
import { convertCommand } from './commands/convert';
import { evalCommand } from './commands/eval';
import { infoCommand } from './commands/info';
import { recommendCommand } from './commands/recommend';
import { serveCommand } from './commands/serve';
import { statsCommand } from './commands/stats';
import { trainCommand } from './commands/train';
import { EXIT, UsageError } from './errors';
import type { CliIo } from './io';
import { normalizeFlags } from './parseFlags';
import { TRAIN_FLAGS } from './trainFlags';

const OTHER_FLAGS = [
  'protocol',
  'split',
  'user',
  'items',
  'timestamps',
  'skip_epoch',
  'max_batch',
  'max_wait_ms',
  'all',
  'shard',
  'out',
];
const KNOWN_FLAGS = new Set([...TRAIN_FLAGS.map(([name]) => name), ...OTHER_FLAGS]);

type Action = () => Promise<number>;

function buildProgram(io: CliIo, setAction: (a: Action) => void): Command {
  const program = new Command('seqrec')
    .description('Sequential recommendation (SASRec / TiSASRec, with mHC) on tfjs')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: () => undefined, outputError: () => undefined })
    .showHelpAfterError(false)
    .allowExcessArguments(false);

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
    .option('--json', 'JSON on stdout')
    .action((opts: Record<string, unknown>) => setAction(() => statsCommand(opts, io)));

  program
    .command('info')
    .description('versions and available tfjs backends')
    .option('--json', 'JSON on stdout')
    .action((opts: Record<string, unknown>) => setAction(() => infoCommand(opts, io)));

  registerBenchCommand(program, io, setAction);
  return program;
}

/** One line, no stack: the message of a usage error. */
function oneLine(message: string): string {
  return message.replace(/^error:\s*/i, '').split('\n')[0] as string;
}

export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let action: Action | null = null;
  const program = buildProgram(io, (a) => (action = a));
  try {
    await program.parseAsync(normalizeFlags(argv, KNOWN_FLAGS), { from: 'user' });
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
      io.stderr(`seqrec: error: ${oneLine(error.message)}\n`);
      return EXIT.usage;
    }
    if (error instanceof UsageError || error instanceof RangeError) {
      io.stderr(`seqrec: error: ${oneLine(error.message)}\n`);
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
