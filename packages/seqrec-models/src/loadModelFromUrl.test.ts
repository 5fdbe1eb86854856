/** loadModelFromUrl against a real loopback HTTP server serving a saved model folder. */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Vocabulary } from '@seqrec/data';
import { initBackend, tf } from '@seqrec/runtime';
import { createModel } from './createModel';
import { loadModelFromUrl } from './loadModelFromUrl';
import { WEIGHTS_FILE } from './modelArtifacts';
import { saveModel } from './saveLoad';
import { disposeBatch, randomBatch, toTensors } from './test-utils/batches';

const config = {
  kind: 'tisasrec' as const,
  numItems: 12,
  maxlen: 8,
  hiddenUnits: 8,
  numBlocks: 1,
  numHeads: 2,
  timeSpan: 4,
  mhc: null, // (saveLoad.test.ts covers mHC weights; this test counts tensors)
};
let dir: string;
let server: http.Server;
let base: string;

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqrec-url-'));
  server = http.createServer((req, res) => {
    const file = path.join(dir, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    if (!file.startsWith(dir) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200).end(fs.readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a model served over HTTP loads with its vocabulary and scores as the original', async () => {
  const model = createModel(config, { seed: 3 });
  const sub = path.join(dir, 'm');
  await saveModel(model, sub);
  const items = Array.from({ length: 12 }, (_, i) => `item-${i + 1}`);
  fs.writeFileSync(path.join(sub, 'vocab.json'), JSON.stringify(new Vocabulary(['u1'], items).toJSON()));
  const before = tf.memory().numTensors;
  for (const url of [`${base}/m`, `${base}/m/`, `${base}/m/model.json`]) {
    const loaded = await loadModelFromUrl(url);
    expect(loaded.vocab?.rawItem(5)).toBe('item-5');
    const batch = toTensors(randomBatch([8, 5], 8, 12, 4, 2));
    const diff = tf.tidy(() => {
      const [a, b] = [model, loaded.model].map((m) => m.scoreAll(batch));
      return tf.max(tf.abs(tf.sub(tf.slice(a, [0, 1]), tf.slice(b, [0, 1])))).dataSync()[0];
    });
    expect(diff).toBe(0);
    disposeBatch(batch);
    loaded.model.dispose();
  }
  expect(tf.memory().numTensors).toBe(before); // each loaded model freed all it held
  model.dispose();
});

test('no vocab.json gives a null vocabulary; a missing or truncated file is an error naming the URL', async () => {
  const model = createModel(config, { seed: 4 });
  const sub = path.join(dir, 'bare');
  await saveModel(model, sub);
  model.dispose();
  const bare = await loadModelFromUrl(`${base}/bare/`);
  expect(bare.vocab).toBeNull();
  bare.model.dispose();
  await expect(loadModelFromUrl(`${base}/nothing/`)).rejects.toThrow(/\/nothing\/model\.json: HTTP 404/);
  const weights = path.join(sub, WEIGHTS_FILE);
  fs.writeFileSync(weights, fs.readFileSync(weights).subarray(0, 100));
  await expect(loadModelFromUrl(`${base}/bare/`)).rejects.toThrow(/bare\/weights\.bin: 100 bytes, expected \d+/);
});
