import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startWorker } from './startWorker';

let dir: string;
beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'seqrec-files-'));
  // The worker files below import this package by name, as a package's own worker modules do.
  await fsp.mkdir(path.join(dir, 'node_modules', '@seqrec'), { recursive: true });
  await fsp.symlink(path.resolve(__dirname, '..'), path.join(dir, 'node_modules', '@seqrec', 'files'), 'dir');
});
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

/** Starts `file` with workerData 20 and returns the first message it posts. */
async function firstMessage(file: string): Promise<unknown> {
  const worker = startWorker(file, { workerData: 20 });
  try {
    return await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  } finally {
    await worker.terminate();
  }
}

test('a .js module runs as it is', async () => {
  const file = path.join(dir, 'plain.js');
  await fsp.writeFile(file, "const w = require('node:worker_threads'); w.parentPort.postMessage(w.workerData + 1);\n");
  expect(await firstMessage(file)).toBe(21);
});

test('a .ts module is compiled on load (types stripped, relative .ts imports and @seqrec/<name> resolved)', async () => {
  const file = path.join(dir, 'typed.ts');
  await fsp.writeFile(path.join(dir, 'double.ts'), 'export const double = (x: number): number => 2 * x;\n');
  await fsp.writeFile(
    file,
    [
      "import { parentPort, workerData } from 'node:worker_threads';",
      "import { double } from './double';",
      "import { withPath } from '@seqrec/files';",
      'const named = withPath(Object.assign(new Error(), { code: "ENOSPC" }), "f") as { path: string };',
      'parentPort!.postMessage([double(workerData as number), named.path]);',
    ].join('\n'),
  );
  expect(await firstMessage(file)).toEqual([40, 'f']);
});
