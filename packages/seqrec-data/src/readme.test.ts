// Runs the first ```ts block of README.md, so the documented example cannot rot.
import * as path from 'node:path';
import * as data from '@seqrec/data';
import { runReadmeExample } from '@seqrec/test-utils';

describe('README example', () => {
  it('runs and prints what its comments say', async () => {
    const { source, printed } = await runReadmeExample(path.join(__dirname, '..', 'README.md'), {
      '@seqrec/data': data,
    });
    expect(source.trim().split('\n').length).toBeLessThanOrEqual(20);
    expect(String(printed[0][0])).toMatch(/^users\s+2$/m);
    expect(printed[1].slice(0, 2)).toEqual([1, 8]);
    // Only u1 (train a b c) trains; u2 (3 interactions) has the single train item b.
    expect(printed[1][2]).toEqual([0, 0, 0, 0, 0, 0, 1, 2]);
    expect(printed[1][3]).toEqual([0, 0, 0, 0, 0, 0, 2, 3]);
    expect(printed[1][4]).toBe(64);
    expect(printed[2]).toEqual(['e']);
  });
});
