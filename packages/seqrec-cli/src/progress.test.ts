import type { TrainEvent } from '@seqrec/train';
import { makeOutput, type CliIo } from './io';
import { progressReporter } from './progress';

function render(isTTY: boolean, json: boolean, events: TrainEvent[]): { stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), isTTY };
  const report = progressReporter(makeOutput(io, json));
  events.forEach(report);
  return { stdout, stderr };
}

const events: TrainEvent[] = [
  { type: 'step', epoch: 1, step: 1, steps: 4, loss: 0.9, lr: 0.001, stepsPerSecond: 2, etaSeconds: 1.5 },
  { type: 'epoch', epoch: 1, loss: 0.8, lr: 0.001, seconds: 2, steps: 4 },
  {
    type: 'eval',
    epoch: 1,
    improved: true,
    selection: { metric: 'valid/sampled/NDCG@10', value: 0.5 },
    records: [{ split: 'valid', protocol: 'sampled', users: 10, metrics: { 'NDCG@10': 0.5, 'HR@10': 0.7, MRR: 0.4 } }],
  },
];

it('draws a progress bar on a TTY and plain lines otherwise', () => {
  const tty = render(true, false, events);
  expect(tty.stderr).toMatch(/epoch 1 \[#+\.+\] 1\/4 loss 0\.9000 2\.0 steps\/s ETA 2s/);
  expect(tty.stdout).toMatch(/^epoch 1: loss 0\.8000/m);
  const plain = render(false, false, events);
  expect(plain.stderr).toBe('');
  expect(plain.stdout).toMatch(/valid sampled NDCG@10 0\.5000 {2}HR@10 0\.7000 {2}MRR 0\.4000 {2}\(10 users\)/);
});

it('with --json: one JSON line per evaluation result on stdout, human lines on stderr', () => {
  const { stdout, stderr } = render(false, true, events);
  expect(JSON.parse(stdout)).toEqual({
    event: 'eval',
    epoch: 1,
    split: 'valid',
    protocol: 'sampled',
    users: 10,
    metrics: { 'NDCG@10': 0.5, 'HR@10': 0.7, MRR: 0.4 },
  });
  expect(stderr).toMatch(/epoch 1: loss/);
});
