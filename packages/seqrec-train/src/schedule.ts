/**
 * Learning-rate schedules. Every schedule starts with the linear warm-up over `warmupSteps`
 * optimizer steps, then:
 * - `step` (the reference trainer's, the default): the base rate multiplied by `lrDecayRate`
 *   once every `lrDecayStep` epochs. The reference `get_lr` documents `--lr_decay_step` as
 *   "decay step (in epochs)"; we implement that documented meaning as a staircase over
 *   completed epochs.
 * - `cosine`: cosine annealing (Loshchilov & Hutter, SGDR, ICLR 2017, eq. 5, one cycle, minimum
 *   0) from the base rate after warm-up to 0 at the run's last step (`totalSteps`).
 * - `constant`: the base rate.
 */
export const LR_SCHEDULES = ['step', 'cosine', 'constant'] as const;
export type LrScheduleName = (typeof LR_SCHEDULES)[number];
export const DEFAULT_LR_SCHEDULE: LrScheduleName = 'step';

export interface LrSchedule {
  /** Base learning rate. Default 0.001. */
  lr: number;
  /** Optimizer steps of linear warm-up; 0 disables it. Default 100. */
  warmupSteps: number;
  /** Epochs between two decays (`step` only). Default 1000. */
  lrDecayStep: number;
  /** Factor applied at each decay (`step` only). Default 0.95. */
  lrDecayRate: number;
  /** The schedule after warm-up. Default `step`. */
  lrSchedule?: LrScheduleName;
  /** Optimizer steps of the whole run (`cosine` only: the step where the rate reaches 0). */
  totalSteps?: number;
}

/**
 * Rate for optimizer step `step` (0-based, counted over the whole run) inside epoch `epoch`
 * (1-based).
 */
export function learningRate(schedule: LrSchedule, step: number, epoch: number): number {
  const warm = schedule.warmupSteps > 0 && step < schedule.warmupSteps ? (step + 1) / schedule.warmupSteps : 1;
  return schedule.lr * warm * afterWarmup(schedule, step, epoch);
}

/** The schedule's factor (in [0, 1]) applied on top of the warm-up. */
function afterWarmup(schedule: LrSchedule, step: number, epoch: number): number {
  const kind = schedule.lrSchedule ?? DEFAULT_LR_SCHEDULE;
  if (kind === 'constant') return 1;
  if (kind === 'cosine') {
    const total = schedule.totalSteps;
    if (total === undefined || !(total > 0))
      throw new RangeError(`lrSchedule 'cosine' needs totalSteps > 0, got ${total}`);
    const span = Math.max(1, total - schedule.warmupSteps);
    const progress = Math.min(1, Math.max(0, (step - schedule.warmupSteps) / span));
    return 0.5 * (1 + Math.cos(Math.PI * progress));
  }
  return Math.pow(schedule.lrDecayRate, Math.floor((epoch - 1) / schedule.lrDecayStep));
}
