/** Errors the trainer throws with a message fit to show the user as is. */
import { excerpt } from '@seqrec/data';

/** The loss (or a weight) became NaN/Infinity. The last good checkpoint is kept. */
export class NonFiniteLossError extends Error {
  override readonly name = 'NonFiniteLossError';

  constructor(
    readonly epoch: number,
    readonly step: number,
    readonly lastCheckpointEpoch: number | null,
    readonly lr: number,
  ) {
    super(
      `training diverged: the loss became non-finite at epoch ${epoch}, step ${step} (lr ${lr.toPrecision(3)}). ` +
        (lastCheckpointEpoch === null
          ? 'No checkpoint was written. '
          : `The last good checkpoint (epoch ${lastCheckpointEpoch}) is kept; continue from it with --resume. `) +
        'Try a lower --lr, a larger --batch_size, more --warmup_steps, or --l2_emb > 0.',
    );
  }
}

/**
 * Input the user can fix (a train dir, a state file, a setting): the CLI prints the message as
 * one line and exits 2. Subclasses say which kind.
 */
export class TrainInputError extends Error {
  override readonly name: string = 'TrainInputError';
}

/** The train dir cannot be used as asked (not seqrec's, in use, holds a run, nothing to resume). */
export class TrainDirError extends TrainInputError {
  override readonly name: string = 'TrainDirError';
}

/** A setting that changes the result differs between a run and its `--resume`. */
export class ResumeMismatchError extends TrainDirError {
  override readonly name = 'ResumeMismatchError';

  constructor(
    readonly trainDir: string,
    /** Option names (`batchSize`, `model.maxlen`, `data`) with the run's and the asked value. */
    readonly differences: { option: string; run: unknown; asked: unknown }[],
    /** How to name an option in the message (the CLI passes its flag names). */
    nameOf: (option: string) => string = (o) => o,
  ) {
    super(
      `cannot resume ${trainDir}: these settings differ from the run's and would change the result: ` +
        differences.map((d) => `${nameOf(d.option)} (run: ${short(d.run)}, now: ${short(d.asked)})`).join(', ') +
        "; use the run's values, or start a new run with --overwrite or another --train_dir",
    );
  }
}

/** A state file (checkpoint, marker, lock) is unreadable, corrupt or not what seqrec wrote. */
export class CorruptStateError extends TrainInputError {
  override readonly name = 'CorruptStateError';

  constructor(readonly file: string, detail: string) {
    super(`${file}: ${detail}`);
  }
}

/** The data cannot train a model (e.g. no user has a training sequence). */
export class UnusableDataError extends TrainInputError {
  override readonly name = 'UnusableDataError';
}

/** A configuration that cannot fit the memory it would run in (the 4 GB wasm heap). */
export class MemoryLimitError extends TrainInputError {
  override readonly name = 'MemoryLimitError';

  constructor(
    message: string,
    /** Options to lower, largest contributor first (`batchSize`, `model.maxlen`, ...). */
    readonly options: string[],
  ) {
    super(message);
  }
}

/** At most `max` characters of a value (JSON unless a string) for a message, one line. */
export function short(value: unknown, max = 40): string {
  return excerpt(typeof value === 'string' ? value : JSON.stringify(value) ?? String(value), max);
}
