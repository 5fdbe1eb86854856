#!/usr/bin/env node
/**
 * One training process of the crash test (packages/seqrec-train/src/crash.test.ts): trains a
 * tiny SASRec on seeded synthetic data into a train dir, continuing the run there when it has a
 * complete checkpoint (`resume`), replacing it otherwise (`overwrite`). With `--kill-epoch E
 * --kill-stage S` it SIGKILLs itself at stage S of writing last/ at epoch E (a checkpoint stage
 * of @seqrec/train). Prints `ready` once the backend is up. Runs against the built packages.
 *
 *   node tools/test/train-crash-child.js --train-dir /tmp/x --epochs 6 [--kill-epoch 3 --kill-stage target-moved]
 */
const { parseArgs } = require('node:util');
const path = require('node:path');
const { initBackend } = require('@seqrec/runtime');
const { buildDataset, generateSyntheticInteractions, leaveOneOutSplit } = require('@seqrec/data');
const { train, searchCheckpoint } = require('@seqrec/train/node');

const { values: args } = parseArgs({
  options: {
    'train-dir': { type: 'string' },
    epochs: { type: 'string', default: '6' },
    'kill-epoch': { type: 'string', default: '0' },
    'kill-stage': { type: 'string', default: '' },
  },
});

async function main() {
  await initBackend({ backend: 'cpu' });
  process.stdout.write('ready\n');
  const trainDir = args['train-dir'];
  const split = leaveOneOutSplit(
    buildDataset(generateSyntheticInteractions({ users: 100, items: 40, seed: 5, meanLength: 10 })),
  );
  const resume = (await searchCheckpoint(path.join(trainDir, 'last'))).found !== null;
  const killEpoch = Number(args['kill-epoch']);
  const result = await train(split, split.dataset.vocab.toJSON(), {
    trainDir,
    model: { kind: 'sasrec', mhc: null, maxlen: 10, hiddenUnits: 8, numBlocks: 1, numHeads: 2, dropoutRate: 0.2 },
    batchSize: 25,
    lr: 0.005,
    warmupSteps: 0,
    numEpochs: Number(args.epochs),
    evalEvery: 2,
    evalProtocols: ['sampled'],
    evalUsers: 50,
    seed: 3,
    workers: 1,
    prefetch: true,
    resume,
    overwrite: !resume,
    checkpointFault: {
      epoch: killEpoch,
      fault: (stage) => {
        if (stage === args['kill-stage']) process.kill(process.pid, 'SIGKILL');
      },
    },
  });
  result.model.dispose();
  process.stdout.write(`done ${result.epochs}${resume ? ' resumed' : ''}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exitCode = 1;
});
