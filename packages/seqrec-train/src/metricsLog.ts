/**
 * `metrics.jsonl` in the train dir: one JSON record per epoch and per evaluation result.
 *   {"type":"epoch","epoch":3,"loss":0.71,"lr":0.001,"seconds":1.2,"steps":4}
 *   {"type":"eval","epoch":20,"split":"valid","protocol":"full","users":943,"metrics":{...}}
 * On resume, records after the checkpoint's epoch (from the interrupted run) are dropped first.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { withPath, writeFileAtomic } from '@seqrec/files';

export const METRICS_FILE = 'metrics.jsonl';

export class MetricsLog {
  readonly file: string;

  constructor(trainDir: string) {
    this.file = path.join(trainDir, METRICS_FILE);
  }

  async append(record: Record<string, unknown>): Promise<void> {
    await fsp.appendFile(this.file, JSON.stringify(record) + '\n').catch((error: unknown) => {
      throw withPath(error, this.file);
    });
  }

  /** Keeps records with `epoch <= epoch` (0 empties the file). */
  async truncateAfter(epoch: number): Promise<void> {
    const text = await fsp.readFile(this.file, 'utf8').catch(() => '');
    const kept = text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .filter((line) => {
        try {
          return ((JSON.parse(line) as { epoch?: number }).epoch ?? 0) <= epoch;
        } catch {
          return false; // a torn last line from a crash
        }
      });
    await writeFileAtomic(this.file, kept.map((l) => l + '\n').join(''));
  }

  /** Every record in the file. */
  static async read(trainDir: string): Promise<Record<string, unknown>[]> {
    const text = await fsp.readFile(path.join(trainDir, METRICS_FILE), 'utf8').catch(() => '');
    return text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }
}
