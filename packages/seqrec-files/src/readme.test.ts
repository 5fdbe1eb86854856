// Runs the README's example, so the documented code cannot rot.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as files from '@seqrec/files';
import { runReadmeExample } from '@seqrec/test-utils';

test('the README example writes a file and two versions of a folder, and leaves no temp files', async () => {
  const { printed } = await runReadmeExample(path.join(__dirname, '../README.md'), {
    'node:fs': fs,
    'node:os': os,
    'node:path': path,
    '@seqrec/files': files,
  });
  expect(printed).toEqual([['2'], [['current', 'previous']], [['args.json', 'ckpt', 'ckpt.old']]]);
});
