/**
 * Issue 12 items 3, 5, 6, 10, 14 (state files): --resume refuses without a complete checkpoint or
 * with other result-changing settings or data, and checks everything before it rewrites anything;
 * checkpoints carry checksums, a damaged one falls back to the previous complete version; every
 * stage of a checkpoint swap leaves a complete checkpoint.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { buildDataset, generateSyntheticInteractions, leaveOneOutSplit } from '@seqrec/data';
import { initBackend } from '@seqrec/runtime';
import { loadCheckpoint, searchCheckpoint, type CheckpointStage } from './checkpoint';
import { CorruptStateError, ResumeMismatchError, TrainDirError } from './errors';
import { train } from './trainer';
import { TINY_TRAIN, tempDir, tinySplit } from './test-utils/tiny';

const split = tinySplit();
const vocab = split.dataset.vocab.toJSON();
const quick = { ...TINY_TRAIN, prefetch: false, workers: 1, evalProtocols: ['sampled' as const], evalUsers: 50 };
const run = (trainDir: string, extra: Record<string, unknown> = {}) =>
  train(split, vocab, { ...quick, trainDir, evalEvery: 10, ...extra }).then((r) => {
    r.model.dispose();
    return r;
  });
const read = (file: string) => fsp.readFile(file, 'utf8');
let twoEpochs: string;

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  twoEpochs = await tempDir();
  await run(twoEpochs, { numEpochs: 2, runFiles: { 'args.json': '{"run":1}\n' } });
});

async function copyOfRun(): Promise<string> {
  const dir = await tempDir();
  await fsp.cp(twoEpochs, dir, { recursive: true });
  return dir;
}

it('3: --resume refuses when there is no complete checkpoint, saying what it found, and changes nothing', async () => {
  await expect(run(await tempDir(), { numEpochs: 2, resume: true })).rejects.toThrow(/holds no run to resume/);
  const dir = await copyOfRun();
  await fsp.rm(path.join(dir, 'last'), { recursive: true });
  await fsp.rename(path.join(dir, 'last.old'), path.join(dir, 'last.tmp-1-abcd'));
  await fsp.rm(path.join(dir, 'last.tmp-1-abcd', 'manifest.json'));
  const metrics = await read(path.join(dir, 'metrics.jsonl'));
  await expect(run(dir, { numEpochs: 3, resume: true })).rejects.toThrow(
    /--resume: no complete checkpoint in .*last \(.*last\.tmp-1-abcd is incomplete \(no manifest\.json.*\); start over with --overwrite/,
  );
  expect(await read(path.join(dir, 'metrics.jsonl'))).toBe(metrics);
  expect(await fsp.stat(path.join(dir, 'last.tmp-1-abcd'))).toBeTruthy();
});

// A crash at each stage of a swap: in a run whose last/ exists (every stage happens), and right
// after resuming from last.old (last/ absent: the swap must not remove last.old first).
it.each<[CheckpointStage, 'last' | 'last.old']>([
  ['old-removed', 'last'],
  ['target-moved', 'last'],
  ['model-written', 'last.old'],
  ['filled', 'last.old'],
  ['swapped', 'last.old'],
])(
  '3: a crash at swap stage %s (resumed from %s) leaves a complete checkpoint; leftovers are cleaned',
  async (stage, from) => {
    const dir = await copyOfRun();
    if (from === 'last.old') {
      // The state a crash between the two renames leaves: last/ gone, last.old/ (epoch 1) complete.
      await fsp.rm(path.join(dir, 'last.old'), { recursive: true });
      await fsp.rename(path.join(dir, 'last'), path.join(dir, 'last.old'));
    }
    const crash = (s: CheckpointStage) => {
      if (s === stage) throw new Error(`simulated crash at ${s}`);
    };
    await expect(run(dir, { numEpochs: 3, resume: true, checkpointFault: { epoch: 3, fault: crash } })).rejects.toThrow(
      `simulated crash at ${stage}`,
    );
    expect((await searchCheckpoint(path.join(dir, 'last'))).found).not.toBeNull();
    const ckpt = await loadCheckpoint(path.join(dir, 'last'));
    expect([1, 2, 3]).toContain(ckpt.trainer?.epoch);
    ckpt.model.dispose();
    const resumed = await run(dir, { numEpochs: 3, resume: true });
    expect(resumed.epochs).toBe(3);
    expect((await fsp.readdir(dir)).filter((n) => n.includes('.tmp-'))).toEqual([]);
  },
);

it('3: a crash inside the atomic write of weights.bin leaves its temp file in the pending checkpoint; resume cleans it', async () => {
  const dir = await copyOfRun();
  const pending = path.join(dir, 'last.tmp-99999-0123abcd');
  await fsp.mkdir(pending);
  await fsp.writeFile(path.join(pending, '.weights.bin.99999.89abcdef.tmp'), 'torn');
  const resumed = await run(dir, { numEpochs: 3, resume: true });
  expect(resumed.epochs).toBe(3);
  expect((await fsp.readdir(dir)).filter((n) => n.includes('.tmp-'))).toEqual([]);
  // Beside a file seqrec did not write, nothing of that folder is deleted.
  await fsp.mkdir(pending);
  await fsp.writeFile(path.join(pending, '.weights.bin.99999.89abcdef.tmp'), 'torn');
  await fsp.writeFile(path.join(pending, 'notes.txt'), 'mine');
  await expect(run(dir, { numEpochs: 4, resume: true })).rejects.toThrow(
    /holds files seqrec did not write \(notes\.txt\)/,
  );
  expect((await fsp.readdir(pending)).sort()).toEqual(['.weights.bin.99999.89abcdef.tmp', 'notes.txt']);
});

it('5, 10: a damaged last/ (edited trainer.json, NaN weights of the same size) is caught by its checksums before anything is rewritten', async () => {
  const dir = await copyOfRun();
  await fsp.writeFile(path.join(dir, 'last', 'trainer.json'), '{"epoch":3}');
  const infos: string[] = [];
  const resumed = await run(dir, {
    numEpochs: 2,
    resume: true,
    reporter: (e: { type: string; message?: string }) => e.type === 'info' && infos.push(e.message ?? ''),
  });
  // Fell back to the previous complete checkpoint (epoch 1) and said so; epoch 2 was re-run.
  expect(infos.join('\n')).toMatch(
    /using .*last\.old, the previous complete checkpoint \(.*last[/\\]trainer\.json has 11 bytes, manifest\.json says \d+\)/,
  );
  expect(resumed.epochs).toBe(2);

  const damaged = await copyOfRun();
  for (const d of ['last', 'last.old']) {
    const file = path.join(damaged, d, 'weights.bin');
    const size = (await fsp.stat(file)).size;
    await fsp.writeFile(file, Buffer.from(new Float32Array(size / 4).fill(NaN).buffer));
  }
  const metrics = await read(path.join(damaged, 'metrics.jsonl'));
  const args = await read(path.join(damaged, 'args.json'));
  await expect(run(damaged, { numEpochs: 3, resume: true, runFiles: { 'args.json': '{"run":2}\n' } })).rejects.toThrow(
    /no complete checkpoint in .*last \(.*last[/\\]weights\.bin does not match its sha256 .*last\.old[/\\]weights\.bin does not match/,
  );
  expect(await read(path.join(damaged, 'metrics.jsonl'))).toBe(metrics);
  expect(await read(path.join(damaged, 'args.json'))).toBe(args);
  // best/ too: a damaged best model is refused by name, not scored.
  const best = path.join(damaged, 'best', 'weights.bin');
  await fsp.writeFile(best, Buffer.alloc((await fsp.stat(best)).size));
  await expect(loadCheckpoint(path.join(damaged, 'best'))).rejects.toThrow(TrainDirError);
  await expect(loadCheckpoint(path.join(damaged, 'best'))).rejects.toThrow(
    /best[/\\]weights\.bin does not match its sha256/,
  );
});

it('14: a corrupt state file of a checkpoint without manifest (older seqrec) is named', async () => {
  const dir = await copyOfRun();
  for (const d of ['last', 'last.old']) await fsp.rm(path.join(dir, d, 'manifest.json'));
  await fsp.writeFile(path.join(dir, 'last', 'trainer.json'), '{"epoch":3}');
  await expect(run(dir, { numEpochs: 3, resume: true })).rejects.toThrow(CorruptStateError);
  await expect(run(dir, { numEpochs: 3, resume: true })).rejects.toThrow(
    /last[/\\]trainer\.json: field 'globalStep' is missing/,
  );
  await fsp.writeFile(path.join(dir, 'last', 'run.json'), '{"modelConfig": {tru');
  await expect(loadCheckpoint(path.join(dir, 'last'))).rejects.toThrow(
    /last[/\\]run\.json: not valid JSON \(starts with '\{"modelConfig": \{tru'\)/,
  );
});

it('6: --resume refuses other seeds, batch sizes, learning rates, model settings and data, listing them; allowed changes pass', async () => {
  const dir = await copyOfRun();
  const metrics = await read(path.join(dir, 'metrics.jsonl'));
  const asked = run(dir, {
    numEpochs: 3,
    resume: true,
    seed: 8,
    batchSize: 40,
    lr: 0.01,
    model: { ...TINY_TRAIN.model, hiddenUnits: 8 },
    runFiles: { 'args.json': '{"run":2}\n' },
  });
  await expect(asked).rejects.toThrow(ResumeMismatchError);
  await expect(asked).rejects.toThrow(
    /seed \(run: 7, now: 8\), batchSize \(run: 50, now: 40\), lr \(run: 0\.005, now: 0\.01\).*model\.hiddenUnits \(run: 16, now: 8\)/,
  );
  expect(await read(path.join(dir, 'metrics.jsonl'))).toBe(metrics);
  expect(await read(path.join(dir, 'args.json'))).toBe('{"run":1}\n');
  // The same users and items, one interaction edited: another fingerprint.
  const other = leaveOneOutSplit(
    buildDataset(generateSyntheticInteractions({ users: 200, items: 60, seed: 4, meanLength: 12 })),
  );
  await expect(
    train(other, other.dataset.vocab.toJSON(), { ...quick, trainDir: dir, numEpochs: 3, resume: true }),
  ).rejects.toThrow(/data \(run: sha256:[0-9a-f]+…, now: sha256:/);
  const optionName = (o: string) => `--${o}`;
  await expect(run(dir, { numEpochs: 3, resume: true, seed: 9, optionName })).rejects.toThrow(
    /--seed \(run: 7, now: 9\)/,
  );
  // numEpochs, evalEvery, workers may change.
  const resumed = await run(dir, { numEpochs: 3, resume: true, evalEvery: 3, workers: 2 });
  expect(resumed.epochs).toBe(3);
});
