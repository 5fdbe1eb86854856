/**
 * Crash test (issue 12): a tiny training process is SIGKILLed several times, at random moments
 * and at random stages of checkpoint swaps, and continued each time (`--resume`, or a fresh
 * start when it died before its first checkpoint). The final weights, optimizer state, trainer
 * state, best model and metrics must be bit-identical to an uninterrupted run. Each process is
 * tools/test/train-crash-child.js on the packages' TypeScript sources (`nodeArgsFromSources` of
 * @seqrec/files), so the test needs no build.
 * The schedule is random; a failure prints it (and SEQREC_CRASH_SEED replays it).
 */
import { spawn } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { Random } from '@seqrec/data';
import { nodeArgsFromSources } from '@seqrec/files';
import { searchCheckpoint, type CheckpointStage } from './checkpoint';
import { tempDir } from './test-utils/tiny';

const ROOT = path.resolve(__dirname, '../../..');
const CHILD = path.join(ROOT, 'tools/test/train-crash-child.js');
const EPOCHS = 8;
const STAGES: CheckpointStage[] = ['model-written', 'filled', 'old-removed', 'target-moved', 'swapped'];

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Milliseconds from `ready` to the end. */
  trainMs: number;
}

/** Runs one child; `killAfterMs` (from its `ready`) SIGKILLs it from outside. */
function child(trainDir: string, extra: string[], killAfterMs: number | null): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const p = spawn(
      process.execPath,
      [...nodeArgsFromSources(CHILD), '--train-dir', trainDir, '--epochs', String(EPOCHS), ...extra],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    let readyAt = 0;
    let timer: NodeJS.Timeout | undefined;
    p.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (readyAt === 0 && stdout.includes('ready\n')) {
        readyAt = Date.now();
        if (killAfterMs !== null) timer = setTimeout(() => p.kill('SIGKILL'), killAfterMs);
      }
    });
    p.stderr.on('data', (d: Buffer) => void (stderr += d.toString()));
    p.on('error', reject);
    p.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, trainMs: readyAt === 0 ? 0 : Date.now() - readyAt });
    });
  });
}

/** run.json records the train dir and whether the process resumed, which differ by construction. */
function withoutTrainDir(run: { options: Record<string, unknown> }): unknown {
  return { ...run, options: { ...run.options, trainDir: '(dir)', resume: '(either)' } };
}

/** Everything a run leaves that must not depend on the crashes (wall-clock seconds removed). */
async function fingerprint(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const ckpt of ['last', 'best']) {
    for (const name of await fsp.readdir(path.join(dir, ckpt))) {
      const text = await fsp.readFile(path.join(dir, ckpt, name));
      out[`${ckpt}/${name}`] =
        name === 'trainer.json'
          ? JSON.stringify({ ...JSON.parse(text.toString('utf8')), seconds: 0 })
          : name === 'run.json'
          ? JSON.stringify(withoutTrainDir(JSON.parse(text.toString('utf8')) as { options: Record<string, unknown> }))
          : name === 'manifest.json'
          ? '(checksums of the other files)'
          : text.toString('base64');
    }
  }
  const metrics = (await fsp.readFile(path.join(dir, 'metrics.jsonl'), 'utf8')).trim().split('\n');
  out['metrics.jsonl'] = metrics.map((l) => JSON.stringify({ ...JSON.parse(l), seconds: 0 })).join('\n');
  return out;
}

it('SIGKILLed at random moments and inside checkpoint swaps, resumed: bit-identical', async () => {
  const seed = Number(process.env['SEQREC_CRASH_SEED'] ?? Date.now() % 1e9);
  const rng = new Random(seed);
  const reference = await tempDir();
  const straight = await child(reference, [], null);
  expect(straight.stderr).toBe('');
  expect(straight.stdout).toContain(`done ${EPOCHS}`);

  const crashed = await tempDir();
  const schedule: string[] = [];
  let checkpointed = false;
  let swapKills = 0;
  for (let round = 0; round < 6; round++) {
    const found = (await searchCheckpoint(path.join(crashed, 'last'))).found;
    const done =
      found === null
        ? 0
        : (JSON.parse(await fsp.readFile(path.join(found, 'trainer.json'), 'utf8')) as { epoch: number }).epoch;
    if (done === EPOCHS) break;
    let outcome: Outcome;
    if (round % 2 === 0) {
      // Inside a checkpoint write: one of the next two epochs, a random stage of those that come
      // (a save with no last/ beside it, the run's first, has nothing to move away).
      const epoch = done + 1 + rng.nextInt(Math.min(2, EPOCHS - done));
      const lastExists = epoch > done + 1 || found === path.join(crashed, 'last');
      const stages = lastExists ? STAGES : STAGES.filter((st) => st !== 'old-removed' && st !== 'target-moved');
      const stage = stages[rng.nextInt(stages.length)] as CheckpointStage;
      swapKills += 1;
      schedule.push(`epoch ${epoch} at ${stage}`);
      outcome = await child(crashed, ['--kill-epoch', String(epoch), '--kill-stage', stage], null);
    } else {
      // At a random moment of what remains of the run.
      const ms = Math.floor(rng.nextFloat() * straight.trainMs * ((EPOCHS - done) / EPOCHS));
      schedule.push(`after ${ms} ms`);
      outcome = await child(crashed, [], ms);
    }
    const context = `seed ${seed}, schedule ${schedule.join('; ')}: ${outcome.stderr}`;
    // Killed, or finished first (a moment after the end, a stage that never came): both fine.
    expect([context, outcome.signal ?? outcome.code]).toEqual([context, outcome.signal === null ? 0 : 'SIGKILL']);
    // Once a checkpoint was complete, one always is, whatever the moment of the kill.
    const now = (await searchCheckpoint(path.join(crashed, 'last'))).found;
    if (checkpointed) expect([context, now]).not.toEqual([context, null]);
    checkpointed = now !== null;
    schedule[schedule.length - 1] += outcome.signal === 'SIGKILL' ? ' (killed)' : ' (finished first)';
  }
  console.info(`crash test, seed ${seed}: ${schedule.join('; ')}`);
  // Every kill planned inside a swap happened there.
  expect(schedule.filter((x) => x.includes(' at ') && x.endsWith('(killed)'))).toHaveLength(swapKills);
  expect(swapKills).toBeGreaterThanOrEqual(2);
  const last = await child(crashed, [], null);
  expect([schedule, last.stderr]).toEqual([schedule, '']);
  expect(last.stdout).toContain(`done ${EPOCHS}`);
  expect(await fingerprint(crashed)).toEqual(await fingerprint(reference));
  expect((await fsp.readdir(crashed)).filter((n) => n.includes('.tmp-'))).toEqual([]);
  // Eight processes: 30-45 s on a quiet 2-core machine, several minutes beside other trainings.
}, 600000);
