import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildDataset, datasetStats, generateSyntheticInteractions, loadInteractions, writeInteractionsText } from '@seqrec/data';

describe('generateSyntheticInteractions', () => {
  const log = generateSyntheticInteractions();

  it('defaults to ~1000 users x 500 items x ~30 interactions, deterministic by seed', () => {
    const stats = datasetStats(buildDataset(log));
    expect(stats.users).toBe(1000);
    expect(stats.items).toBe(500);
    expect(stats.seqLength.mean).toBeGreaterThan(27);
    expect(stats.seqLength.mean).toBeLessThan(33);
    expect(stats.time).not.toBeNull();
    expect(generateSyntheticInteractions()).toEqual(log);
    expect(generateSyntheticInteractions({ seed: 1 }).rawItems).not.toEqual(log.rawItems);
  });

  it('has strong sequential structure: the most common successor of an item explains most transitions', () => {
    const ds = buildDataset(log);
    // For each (cluster-agnostic) item, count its successors; top-1 successor share ~ followProbability.
    const counts = new Map<number, Map<number, number>>();
    let total = 0;
    for (const s of ds.sequences) {
      for (let k = 1; k < s.items.length; k++) {
        const m = counts.get(s.items[k - 1]) ?? new Map<number, number>();
        m.set(s.items[k], (m.get(s.items[k]) ?? 0) + 1);
        counts.set(s.items[k - 1], m);
        total++;
      }
    }
    let top = 0;
    for (const m of counts.values()) top += Math.max(...m.values());
    expect(top / total).toBeGreaterThan(0.6);
    // timestamps increase within each user
    const increasing = ds.sequences.every((s) => s.timestamps!.every((t, k) => k === 0 || t > s.timestamps![k - 1]));
    expect(increasing).toBe(true);
  });

  it('writes SASRec-style text that loads back to the same log', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqrec-synth-'));
    try {
      const file = path.join(dir, 'synthetic.txt');
      const small = generateSyntheticInteractions({ users: 20, items: 30, seed: 2 });
      await writeInteractionsText(file, small);
      const back = await loadInteractions(file);
      expect(back.format).toBe('sasrec');
      expect(back.rawUsers).toEqual(small.rawUsers);
      expect(back.rawItems).toEqual(small.rawItems);
      expect(back.timestamps).toEqual(small.timestamps);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
