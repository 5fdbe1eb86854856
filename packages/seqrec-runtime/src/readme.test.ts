// Runs the README's example, so the documented code cannot rot.
import * as path from 'node:path';
import * as runtime from '@seqrec/runtime';
import { runReadmeExample } from '@seqrec/test-utils';

test('the README example reports the backend it chose and computes the gather gradient', async () => {
  const { printed } = await runReadmeExample(path.join(__dirname, '../README.md'), { '@seqrec/runtime': runtime });
  const probe = runtime.probeBackends();
  const nativeInstalled = probe.some((c) => c.available && c.candidate.startsWith('tfjs-node'));
  const chosen = nativeInstalled ? 'tensorflow' : 'wasm'; // this workplace cannot install tfjs-node
  expect(printed[0][0]).toMatch(new RegExp(`^backend: ${chosen} \\(`));
  expect(printed[1]).toEqual([chosen]);
  expect(printed[2][0]).toBe(probe.map((c) => `${c.candidate}:${c.available}`).join(' '));
  expect(printed[3]).toEqual([[1, 1, 0, 0, 2, 2]]);
});
