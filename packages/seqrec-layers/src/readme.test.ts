// Runs the README's example, so the documented code cannot rot.
import * as path from 'node:path';
import * as layers from '@seqrec/layers';
import * as runtime from '@seqrec/runtime';
import { runReadmeExample } from '@seqrec/test-utils';

test('the README example runs and prints what its comments say', async () => {
  const { printed } = await runReadmeExample(path.join(__dirname, '../README.md'), {
    '@seqrec/layers': layers,
    '@seqrec/runtime': runtime,
  });
  expect(printed).toEqual([[[1, 4, 8]], [['attn.q.kernel', 'attn.q.bias']], [['1.0000', '1.0000']]]);
});
