/**
 * Progress events the trainer emits; the CLI renders them (progress bar on a TTY, plain lines
 * otherwise). Libraries never print.
 */
import type { EvalRecord } from './evaluate';

export type TrainEvent =
  | { type: 'start'; epoch: number; numEpochs: number; stepsPerEpoch: number; resumed: boolean; numParams: number }
  | {
      type: 'step';
      epoch: number;
      step: number;
      steps: number;
      loss: number;
      lr: number;
      stepsPerSecond: number;
      etaSeconds: number;
    }
  | { type: 'epoch'; epoch: number; loss: number; lr: number; seconds: number; steps: number }
  | {
      type: 'eval';
      epoch: number;
      records: EvalRecord[];
      improved: boolean;
      selection: { metric: string; value: number };
    }
  | { type: 'checkpoint'; epoch: number; kind: 'last' | 'best'; dir: string }
  | { type: 'early_stop'; epoch: number; patience: number }
  | { type: 'info'; message: string };
