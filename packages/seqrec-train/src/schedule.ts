/**
 * Learning-rate schedule of the reference trainer: linear warm-up over `warmupSteps` optimizer
 * steps, then the base rate multiplied by `lrDecayRate` once every `lrDecayStep` epochs.
 *
 * The reference `get_lr` documents `--lr_decay_step` as "decay step (in epochs)"; we implement
 * that documented meaning as a staircase over completed epochs.
 */
export interface LrSchedule {
  /** Base learning rate. Default 0.001. */
  lr: number;
  /** Optimizer steps of linear warm-up; 0 disables it. Default 100. */
  warmupSteps: number;
  /** Epochs between two decays. Default 1000. */
  lrDecayStep: number;
  /** Factor applied at each decay. Default 0.95. */
  lrDecayRate: number;
}

/**
 * Rate for optimizer step `step` (0-based, counted over the whole run) inside epoch `epoch`
 * (1-based).
 */
export function learningRate(schedule: LrSchedule, step: number, epoch: number): number {
  const decay = Math.pow(schedule.lrDecayRate, Math.floor((epoch - 1) / schedule.lrDecayStep));
  const warm = schedule.warmupSteps > 0 && step < schedule.warmupSteps ? (step + 1) / schedule.warmupSteps : 1;
  return schedule.lr * decay * warm;
}
