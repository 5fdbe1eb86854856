import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { example } from './test-utils/readmeExample';
import { tempDir } from './test-utils/tiny';

it('the README example is test-utils/readmeExample.ts and it runs', async () => {
  const readme = await fsp.readFile(path.join(__dirname, '..', 'README.md'), 'utf8');
  const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  const source = await fsp.readFile(path.join(__dirname, 'test-utils', 'readmeExample.ts'), 'utf8');
  expect(block).toBe(source);
  expect(source.split('\n').filter((l) => l.trim() !== '').length).toBeLessThanOrEqual(20);
  const records = await example(await tempDir());
  expect(records.map((r) => `${r.split}/${r.protocol}`)).toEqual([
    'valid/sampled',
    'valid/full',
    'test/sampled',
    'test/full',
  ]);
  expect(records[0]?.metrics['NDCG@10']).toBeGreaterThan(0);
});
