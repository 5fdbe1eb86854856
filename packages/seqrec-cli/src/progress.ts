/**
 * Renders trainer events: a progress bar redrawn in place on a TTY (steps, loss, steps/s, ETA),
 * plain lines otherwise; evaluation tables; and, with --json, one JSON line per evaluation.
 */
import type { EvalRecord, TrainEvent } from '@seqrec/train';
import type { Output } from './io';

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  return s >= 3600
    ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
    : s >= 60
    ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
    : `${s}s`;
}

/** One line per record: `valid sampled  NDCG@10 0.4123  HR@10 0.6500  MRR 0.3500  (600 users)`. */
export function formatRecords(records: readonly EvalRecord[]): string[] {
  return records.map(
    (r) =>
      `${r.split.padEnd(5)} ${r.protocol.padEnd(7)} ` +
      Object.entries(r.metrics)
        .map(([k, v]) => `${k} ${v.toFixed(4)}`)
        .join('  ') +
      `  (${r.users} users)`,
  );
}

export function progressReporter(out: Output): (event: TrainEvent) => void {
  const tty = out.io.isTTY;
  let barShown = false;
  const clearBar = () => {
    if (barShown) {
      out.io.stderr('\r\x1b[2K');
      barShown = false;
    }
  };
  return (event) => {
    switch (event.type) {
      case 'start':
        out.human(
          `${event.resumed ? `resuming after epoch ${event.epoch}` : 'training'}: ${event.numEpochs} epochs, ` +
            `${event.stepsPerEpoch} steps/epoch, ${event.numParams.toLocaleString('en-US')} parameters`,
        );
        break;
      case 'step':
        if (tty) {
          const width = 24;
          const filled = Math.round((width * event.step) / event.steps);
          out.io.stderr(
            `\r\x1b[2Kepoch ${event.epoch} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${event.step}/${
              event.steps
            } ` +
              `loss ${event.loss.toFixed(4)} ${event.stepsPerSecond.toFixed(1)} steps/s ETA ${duration(
                event.etaSeconds,
              )}`,
          );
          barShown = true;
        }
        break;
      case 'epoch':
        clearBar();
        out.human(
          `epoch ${event.epoch}: loss ${event.loss.toFixed(4)} lr ${event.lr.toPrecision(3)} ${event.seconds.toFixed(
            1,
          )}s (${(event.steps / Math.max(event.seconds, 1e-9)).toFixed(1)} steps/s)`,
        );
        break;
      case 'eval':
        clearBar();
        out.human(`evaluation at epoch ${event.epoch}${event.improved ? ' (best so far)' : ''}:`);
        for (const line of formatRecords(event.records)) out.human(`  ${line}`);
        for (const r of event.records)
          out.json({
            event: 'eval',
            epoch: event.epoch,
            split: r.split,
            protocol: r.protocol,
            users: r.users,
            metrics: r.metrics,
          });
        break;
      case 'early_stop':
        out.human(`early stop at epoch ${event.epoch}: no improvement in ${event.patience} evaluations`);
        break;
      case 'info':
        out.human(event.message);
        break;
      case 'checkpoint':
        break;
    }
  };
}
