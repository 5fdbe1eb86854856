/**
 * End to end in a real headless Chromium (Debian's `chromium`, driven by puppeteer-core; nothing
 * downloads a browser): the bundled example page loads a saved model over HTTP and its top-10
 * and scores equal Node's for the same model and history, on cpu, wasm (with seqrec's SIMD
 * BatchMatMul) and webgl. Needs `npm run build` (the bundle is made from the packages' dist/).
 * Without a Chromium the test is skipped with a message, except under CI=true, where it fails.
 */
import { existsSync, promises as fsp } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import { Vocabulary } from '@seqrec/data';
import { createModel, recommend, type SequentialRecommender } from '@seqrec/models';
import { saveModel } from '@seqrec/models/node';
import { initBackend, type BackendReport } from '@seqrec/runtime';
import type { PageApi } from './main';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildExample } = require('./build.js') as { buildExample: (dir: string) => Promise<string> };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startStaticServer } = require('./serve.js') as {
  startStaticServer: (o: { root: string; modelDir: string }) => Promise<Server>;
};

const CHROMIUM = [process.env['CHROMIUM_PATH'], '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
  (p): p is string => p !== undefined && existsSync(p),
);
const RUN = CHROMIUM !== undefined || process.env['CI'] === 'true';
if (!RUN) console.warn('examples/browser/page.test.ts skipped: no chromium (apt-get install -y chromium)');

const CONFIG = {
  kind: 'tisasrec' as const,
  numItems: 40,
  maxlen: 20,
  hiddenUnits: 16,
  numBlocks: 2,
  numHeads: 2,
  timeSpan: 16,
  mhc: { expansionRate: 2, sinkhornIters: 10, initGate: 0.01 },
};
const RAW_ITEMS = Array.from({ length: 40 }, (_, i) => `item-${i + 1}`);
const HISTORY = ['item-3', 'item-17', 'item-1', 'item-29', 'item-5', 'item-3'];
const TIMES = [1_000_000, 1_003_600, 1_010_000, 1_050_000, 1_050_100, 1_200_000];

(RUN ? describe : describe.skip)('the browser example in headless Chromium', () => {
  let tmp: string;
  let server: Server;
  let url: string;
  let browser: Browser;
  let model: SequentialRecommender;
  let nodeWasm: BackendReport;

  beforeAll(async () => {
    if (CHROMIUM === undefined)
      throw new Error('CI=true but no chromium: .ci/run installs it (apt-get install -y chromium)');
    tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'seqrec-browser-'));
    nodeWasm = await initBackend({ backend: 'wasm' }); // which seqrec kernels Node activates on wasm
    await initBackend({ backend: 'cpu' });
    model = createModel(CONFIG, { seed: 11 });
    const modelDir = path.join(tmp, 'model');
    await saveModel(model, modelDir);
    await fsp.writeFile(path.join(modelDir, 'vocab.json'), JSON.stringify(new Vocabulary(['u1'], RAW_ITEMS).toJSON()));
    const site = await buildExample(path.join(tmp, 'site'));
    server = await startStaticServer({ root: site, modelDir });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-dev-shm-usage', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
    model?.dispose();
    if (tmp !== undefined) await fsp.rm(tmp, { recursive: true, force: true });
  });

  it.each(['cpu', 'wasm', 'webgl'])(
    '%s: the page top-10 equals Node within 1e-5',
    async (backend) => {
      const page = await browser.newPage();
      try {
        page.setDefaultTimeout(150_000); // a 5 MB bundle on a loaded 2-core machine can take a while
        await page.goto(`${url}?backend=${backend}`, { waitUntil: 'domcontentloaded' });
        await page.waitForFunction(() => window.seqrec !== undefined || window.seqrecError !== undefined, {
          timeout: 90_000,
        });
        const error = await page.evaluate(() => window.seqrecError);
        expect(error).toBeUndefined();
        const report = await page.evaluate(() => (window.seqrec as PageApi).backend);
        expect(report.backend).toBe(backend);
        if (backend === 'wasm') {
          expect(nodeWasm.kernels.some((k) => /BatchMatMul/.test(k))).toBe(true);
          expect(report.kernels).toEqual(nodeWasm.kernels); // the SIMD BatchMatMul registered in the bundle too
          expect(report.kernelNotes).toEqual([]);
        }
        const got = await page.evaluate(
          (items, times) => (window.seqrec as PageApi).recommend(items, times, 10),
          HISTORY,
          TIMES,
        );
        const ids = Int32Array.from(HISTORY, (raw) => RAW_ITEMS.indexOf(raw) + 1);
        const [want] = await recommend(model, [{ items: ids, times: TIMES }], 10);
        expect(got.map((r) => r.item)).toEqual(Array.from(want!.items, (id) => RAW_ITEMS[id - 1]));
        got.forEach((r, i) => expect(Math.abs(r.score - want!.scores[i]!)).toBeLessThan(1e-5));

        // The page itself: clicking items fills the table with the API's top-10 for them.
        for (const item of ['item-2', 'item-9']) {
          const [button] = await page.$$(`xpath/.//button[text()="${item}"]`);
          await button!.click();
        }
        await page.waitForFunction(() => document.querySelectorAll('#results tr').length === 10);
        const shown = await page.$$eval('#results tr', (rows) => rows.map((r) => r.children[1]!.textContent));
        const api = await page.evaluate(() => (window.seqrec as PageApi).recommend(['item-2', 'item-9']));
        expect(shown).toEqual(api.map((r) => r.item));
      } finally {
        await page.close();
      }
    },
    180_000,
  );
});
