/**
 * Runs the README's example, so the documented code cannot rot, and checks what it prints against
 * expectations worked out here without the runtime: which tfjs packages are in node_modules
 * (looked up on disk, as Node's resolution would find them) and the gather gradient by hand.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as runtime from '@seqrec/runtime';
import { runReadmeExample } from '@seqrec/test-utils';

/** Whether `pkg` is in a node_modules folder of this package or one of its parents. */
function onDisk(pkg: string): boolean {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'node_modules', pkg, 'package.json'))) return true;
    if (path.dirname(dir) === dir) return false;
  }
}

test('the README example reports the backend it chose and computes the gather gradient', async () => {
  const { printed } = await runReadmeExample(path.join(__dirname, '../README.md'), { '@seqrec/runtime': runtime });
  const gpu = onDisk('@tensorflow/tfjs-node-gpu');
  const node = onDisk('@tensorflow/tfjs-node');
  expect(onDisk('@tensorflow/tfjs-backend-wasm')).toBe(true); // a peer dependency, installed in the workspace
  // `device: 'auto'` prefers tfjs-node(-gpu), then wasm.
  const chosen = gpu || node ? 'tensorflow' : 'wasm';
  expect(printed[0]?.[0]).toMatch(new RegExp(`^backend: ${chosen} \\(`));
  expect(printed[1]).toEqual([chosen]);
  expect(printed[2]).toEqual([`tfjs-node-gpu:${gpu} tfjs-node:${node} wasm:true cpu:true`]);
  // d/dtable sum(gather(table, [2, 0, 2])): row 0 is gathered once, row 1 never, row 2 twice.
  expect(printed[3]).toEqual([[1, 1, 0, 0, 2, 2]]);
  expect(printed).toHaveLength(4);
});
