// Runs the README's example, so the documented code cannot rot.
import * as path from 'node:path';
import * as models from '@seqrec/models';
import * as runtime from '@seqrec/runtime';
import { runReadmeExample } from '@seqrec/test-utils';

test('the README example trains, then recommends three unseen items', async () => {
  const { printed } = await runReadmeExample(path.join(__dirname, '../README.md'), {
    '@seqrec/models': models,
    '@seqrec/runtime': runtime,
  });
  expect(printed[0]).toEqual([true]);
  const items = printed[1][0] as number[];
  expect(items).toHaveLength(3);
  for (const id of items) {
    expect(id).toBeGreaterThanOrEqual(1);
    expect([1, 2, 3, 4, 5]).not.toContain(id);
  }
});
