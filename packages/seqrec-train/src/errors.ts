/** Errors the trainer throws with a message fit to show the user as is. */

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
