import { buildDataset, generateSyntheticInteractions, leaveOneOutSplit } from '@seqrec/data';
import { initBackend } from '@seqrec/runtime';
import type { EvalRecord } from '@seqrec/train';
import { train } from '@seqrec/train/node';

export async function example(trainDir: string): Promise<EvalRecord[]> {
  await initBackend({ backend: 'cpu' });
  const log = generateSyntheticInteractions({ users: 200, items: 60, seed: 3 });
  const split = leaveOneOutSplit(buildDataset(log));
  const evaluations: EvalRecord[][] = [];
  const result = await train(split, split.dataset.vocab.toJSON(), {
    trainDir, // checkpoints last/ and best/, metrics.jsonl
    model: { kind: 'sasrec', mhc: null, maxlen: 20, hiddenUnits: 16, numBlocks: 1 },
    numEpochs: 4, evalEvery: 2, warmupSteps: 0, lr: 0.005, batchSize: 50,
    reporter: (event) => void (event.type === 'eval' && evaluations.push(event.records)),
  });
  result.model.dispose();
  return result.best?.records ?? []; // [{split, protocol, users, metrics: {'NDCG@10', 'HR@10', MRR}}]
}
