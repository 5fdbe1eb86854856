/**
 * The browser example: loads a trained seqrec model over HTTP, lets you pick items, and shows
 * the top-10 next items. Everything runs in the page (tfjs on webgl, wasm or cpu).
 *
 * Query parameters: `model` (folder URL of a saved model or checkpoint, default `./model/`),
 * `backend` (`webgl` | `wasm` | `cpu`, default: the best the browser has). The interval unit of
 * a time-aware model is in its config.
 *
 * `window.seqrec` exposes the same to scripts (the end-to-end test drives the page through it).
 */
// tfjs backends register themselves when imported; webgl is the page's own choice (cpu and wasm
// come with @seqrec/runtime).
import '@tensorflow/tfjs-backend-webgl';
import type { Vocabulary } from '@seqrec/data';
import { loadModelFromUrl, recommend, timeSettings, type SequentialRecommender } from '@seqrec/models';
import { initBackend, type BackendName, type BackendReport } from '@seqrec/runtime';

export interface PageApi {
  backend: BackendReport;
  catalogue: string[];
  /** Top-k raw items and scores after the given raw item history (oldest first). */
  recommend(items: string[], timestamps?: number[], k?: number): Promise<{ item: string; score: number }[]>;
}

declare global {
  interface Window {
    seqrec?: PageApi;
    seqrecError?: string;
  }
}

const params = new URLSearchParams(location.search);
const modelUrl = new URL(params.get('model') ?? './model/', location.href).href;

function makeApi(model: SequentialRecommender, vocab: Vocabulary, backend: BackendReport): PageApi {
  const time = timeSettings(model.config);
  const catalogue = Array.from({ length: vocab.numItems }, (_, i) => vocab.rawItem(i + 1));
  return {
    backend,
    catalogue,
    async recommend(items, timestamps, k = 10) {
      const ids = Int32Array.from(items, (raw) => {
        const id = vocab.itemId(raw);
        if (id === undefined) throw new Error(`item '${raw}' is not in the catalogue`);
        return id;
      });
      // Without timestamps, a time-aware model sees one item an hour up to now.
      const now = Math.floor(Date.now() / 1000);
      const times = time === null ? null : timestamps ?? items.map((_, i) => now - 3600 * (items.length - 1 - i));
      const [rec] = await recommend(model, [{ items: ids, times }], k);
      return Array.from(rec?.items ?? [], (id, i) => ({ item: vocab.rawItem(id), score: rec!.scores[i] as number }));
    },
  };
}

function render(api: PageApi): void {
  const status = document.getElementById('status') as HTMLElement;
  const picker = document.getElementById('catalogue') as HTMLElement;
  const history = document.getElementById('history') as HTMLElement;
  const results = document.getElementById('results') as HTMLTableSectionElement;
  const picked: string[] = [];
  status.textContent = `${api.catalogue.length} items; backend ${api.backend.backend}`;
  const refresh = async () => {
    history.textContent = picked.length === 0 ? '(nothing yet: click items below)' : picked.join(' → ');
    results.replaceChildren();
    if (picked.length === 0) return;
    for (const [i, r] of (await api.recommend(picked)).entries()) {
      const row = results.insertRow();
      row.insertCell().textContent = String(i + 1);
      row.insertCell().textContent = r.item;
      row.insertCell().textContent = r.score.toFixed(4);
    }
  };
  for (const item of api.catalogue.slice(0, 300)) {
    const button = document.createElement('button');
    button.textContent = item;
    button.onclick = () => {
      picked.push(item);
      void refresh();
    };
    picker.appendChild(button);
  }
  (document.getElementById('clear') as HTMLButtonElement).onclick = () => {
    picked.length = 0;
    void refresh();
  };
  void refresh();
}

async function main(): Promise<void> {
  const backend = await initBackend({
    ...(params.has('backend') ? { backend: params.get('backend') as BackendName } : {}),
    wasmPaths: new URL('./', location.href).href, // the build copies tfjs's .wasm files beside the bundle
  });
  const { model, vocab } = await loadModelFromUrl(modelUrl);
  if (vocab === null) throw new Error(`${modelUrl}: no vocab.json beside the model`);
  const api = makeApi(model, vocab, backend);
  window.seqrec = api;
  render(api);
}

main().catch((error: unknown) => {
  window.seqrecError = error instanceof Error ? error.message : String(error);
  (document.getElementById('status') as HTMLElement).textContent = `error: ${window.seqrecError}`;
});
