import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runReadmeExample } from './runReadmeExample';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqrec-readme-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function readme(block: string): string {
  const file = path.join(dir, `README-${Math.random().toString(36).slice(2)}.md`);
  fs.writeFileSync(file, `# x\n\ntext\n\n\`\`\`ts\n${block}\`\`\`\n\n\`\`\`ts\nconsole.log('second block');\n\`\`\`\n`);
  return file;
}

test('runs the first block with top-level await and the given modules; records console.log', async () => {
  const file = readme(
    "import { twice } from 'm';\nconst n: number = await Promise.resolve(4);\nconsole.log(twice(n), 'x');\n",
  );
  const run = await runReadmeExample(file, { m: { twice: (x: number) => 2 * x } });
  expect(run.printed).toEqual([[8, 'x']]);
  expect(run.exports).toEqual({});
});

test('a block with exports runs as a module and returns them', async () => {
  const file = readme(
    "import { twice } from 'm';\nexport const four = twice(2);\nexport async function f(): Promise<number> { return 1; }\n",
  );
  const run = await runReadmeExample(file, { m: { twice: (x: number) => 2 * x } });
  expect(run.exports['four']).toBe(4);
  expect(await (run.exports['f'] as () => Promise<number>)()).toBe(1);
});

test('an import the test did not provide, and a README without a block, are errors naming the file', async () => {
  const file = readme("import { x } from 'absent';\nconsole.log(x);\n");
  await expect(runReadmeExample(file, {})).rejects.toThrow(`${file}: the example imports absent`);
  const none = path.join(dir, 'NONE.md');
  fs.writeFileSync(none, 'no code\n');
  await expect(runReadmeExample(none, {})).rejects.toThrow(`${none}: no \`\`\`ts example block`);
});
