import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CliIo } from './io';
import { run } from './run';

it('the README example commands run', async () => {
  const readme = await fsp.readFile(path.join(__dirname, '..', 'README.md'), 'utf8');
  const block = /```sh\n(seqrec train[\s\S]*?)```/.exec(readme)?.[1] ?? '';
  const dir = path.join(await fsp.mkdtemp(path.join(os.tmpdir(), 'seqrec-readme-')), 'demo');
  let stdout = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: () => undefined, isTTY: false };
  const lines = block.trim().split('\n');
  expect(lines.length).toBe(4);
  for (const line of lines) {
    const argv = line
      .split(/\s+/)
      .slice(1)
      .map((a) => (a === 'runs/demo' ? dir : a));
    expect(await run(argv, io)).toBe(0);
  }
  expect(stdout).toMatch(/test +full +NDCG@10/);
  expect(stdout).toMatch(/^ +5 +\S+ +-?\d+\.\d{4}$/m);
});
