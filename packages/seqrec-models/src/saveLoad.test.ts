/** Save/load in the tfjs format, and the errors for a different config or a damaged file. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend, tf } from '@seqrec/runtime';
import { createModel } from './createModel';
import { LEGACY_RUN_FILE, MODEL_FILE, WEIGHTS_FILE } from './modelArtifacts';
import { loadModel, loadWeightsInto, saveModel } from './saveLoad';
import { recommend } from './recommend';
import { disposeBatch, randomBatch, toTensors } from './test-utils/batches';

const config = {
  kind: 'tisasrec' as const,
  numItems: 20,
  maxlen: 8,
  hiddenUnits: 8,
  numBlocks: 1,
  numHeads: 2,
  timeSpan: 4,
  mhc: { expansionRate: 2, sinkhornIters: 5, initGate: 0.01 },
};
let dir: string;

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqrec-model-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test('a saved model loads with the same config and scores, and tf.io can decode its weights', async () => {
  const model = createModel(config, { seed: 1 });
  await saveModel(model, dir);
  const loaded = await loadModel(dir);
  expect(loaded.config).toEqual(model.config);
  expect(loaded.seed).toBe(1); // the seed travels with the model, so dropout resumes identically
  const batch = toTensors(randomBatch([8, 3], 8, 20, 4, 1));
  const [a, b] = [model, loaded].map((m) => m.scoreAll(batch));
  expect(tf.max(tf.abs(tf.sub(tf.slice(a, [0, 1]), tf.slice(b, [0, 1])))).dataSync()[0]).toBe(0);
  const json = JSON.parse(fs.readFileSync(path.join(dir, MODEL_FILE), 'utf8'));
  const buffer = fs.readFileSync(path.join(dir, WEIGHTS_FILE));
  const decoded = tf.io.decodeWeights(
    buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength),
    json.weightsManifest[0].weights,
  );
  expect(Object.keys(decoded).sort()).toEqual([...model.weights.keys()].sort());
  expect(fs.readdirSync(dir).sort()).toEqual([MODEL_FILE, WEIGHTS_FILE]); // no temp files left
  tf.dispose([a, b, Object.values(decoded)]);
  disposeBatch(batch);
  model.dispose();
  loaded.dispose();
});

test('loading into a model of another config names the differing fields', async () => {
  const model = createModel(config, { seed: 1 });
  await saveModel(model, dir);
  const other = createModel({ ...config, hiddenUnits: 12 }, { seed: 1 });
  expect(() => loadWeightsInto(other, dir)).toThrow(/different config \(hiddenUnits: saved 8, model 12\)/);
  model.dispose();
  other.dispose();
});

test('a truncated weights file is a clear error, not garbage weights', async () => {
  const model = createModel(config, { seed: 1 });
  await saveModel(model, dir);
  const file = path.join(dir, WEIGHTS_FILE);
  fs.truncateSync(file, fs.statSync(file).size - 10);
  await expect(loadModel(dir)).rejects.toThrow(
    /weights\.bin: \d+ bytes, expected \d+; the file is truncated or damaged/,
  );
  fs.writeFileSync(path.join(dir, MODEL_FILE), '{"format": "seqrec-model", "formatV');
  await expect(loadModel(dir)).rejects.toThrow(/model\.json: not valid JSON/);
  await expect(loadModel(path.join(dir, 'nowhere'))).rejects.toThrow(/no saved model here/);
  model.dispose();
});

test('recommend returns the best items, never a history item, an excluded one or the padding id', async () => {
  const model = createModel({ ...config, kind: 'sasrec', mhc: null }, { seed: 2 });
  const batch = toTensors(randomBatch([5, 2], 8, 20, 4, 3));
  const all = model.scoreAll(batch).arraySync();
  const seq = batch.seq.arraySync();
  const requests = seq.map((row, r) => ({
    items: Int32Array.from(row.filter((id) => id !== 0)),
    exclude: r === 0 ? [1, 2, 3] : [],
  }));
  const recs = await recommend(model, requests, 5);
  recs.forEach(({ items, scores }, r) => {
    const never = [...requests[r].items, ...requests[r].exclude];
    const ranked = all[r]
      .map((score, id) => ({ score, id }))
      .filter(({ id }) => id !== 0 && !never.includes(id))
      .sort((x, y) => y.score - x.score)
      .slice(0, 5);
    expect(Array.from(items)).toEqual(ranked.map((x) => x.id));
    expect(Array.from(scores)).toEqual(ranked.map((x) => Math.fround(x.score)));
  });
  disposeBatch(batch);
  model.dispose();
});

test('a model saved before the time unit was in its config takes it from the run.json beside it, else hour', async () => {
  const model = createModel(config, { seed: 3 });
  await saveModel(model, dir);
  const file = path.join(dir, MODEL_FILE);
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  delete json.modelTopology.config.timeUnit;
  fs.writeFileSync(file, JSON.stringify(json));
  const withoutRun = await loadModel(dir);
  expect(withoutRun.config.timeUnit).toBe('hour');
  fs.writeFileSync(path.join(dir, LEGACY_RUN_FILE), JSON.stringify({ options: { timeUnit: 'day' } }));
  const withRun = await loadModel(dir);
  expect(withRun.config.timeUnit).toBe('day');
  [model, withoutRun, withRun].forEach((m) => m.dispose());
});
