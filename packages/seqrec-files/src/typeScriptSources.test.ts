import { spawnSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { nodeArgsFromSources } from './typeScriptSources';

let dir: string;
beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'seqrec-files-'));
  // A package with sources only (no dist, no "main"): both entries must come from src/.
  const fake = path.join(dir, 'node_modules', '@seqrec', 'fake');
  await fsp.mkdir(path.join(fake, 'src'), { recursive: true });
  await fsp.writeFile(path.join(fake, 'package.json'), '{ "name": "@seqrec/fake", "main": "./dist/index.js" }\n');
  await fsp.writeFile(path.join(fake, 'src', 'index.ts'), "export const entry: string = 'index';\n");
  await fsp.writeFile(path.join(fake, 'src', 'node.ts'), "export const entry: string = 'node';\n");
});
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

test('a child process runs a script on the sources of the packages it requires, argv as for `node script`', async () => {
  const script = path.join(dir, 'child.js');
  await fsp.writeFile(
    script,
    [
      "const root = require('@seqrec/fake');",
      "const node = require('@seqrec/fake/node');",
      'console.log(JSON.stringify([root.entry, node.entry, process.argv.slice(1)]));',
    ].join('\n'),
  );
  const r = spawnSync(process.execPath, [...nodeArgsFromSources(script), '--flag', 'x'], {
    encoding: 'utf8',
    cwd: dir,
  });
  expect(r.stderr).toBe('');
  expect(JSON.parse(r.stdout)).toEqual(['index', 'node', [script, '--flag', 'x']]);
});

test('without the bootstrap, the same script fails (the package has no build)', async () => {
  const script = path.join(dir, 'child.js');
  const r = spawnSync(process.execPath, [script], { encoding: 'utf8', cwd: dir });
  expect(r.status).not.toBe(0);
  expect(r.stderr).toMatch(/Cannot find module/);
});
