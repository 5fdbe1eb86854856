// Runs the first ```ts block of README.md, so the documented example cannot rot.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import * as data from '@seqrec/data';

describe('README example', () => {
  it('runs and prints what its comments say', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
    const match = /```ts\n([\s\S]*?)```/.exec(readme);
    expect(match).not.toBeNull();
    const source = match![1];
    expect(source.trim().split('\n').length).toBeLessThanOrEqual(20);
    const js = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    const printed: unknown[][] = [];
    const fakeConsole = { log: (...args: unknown[]) => printed.push(args) };
    const fakeRequire = (name: string): unknown => {
      if (name !== '@seqrec/data') throw new Error(`README example imports ${name}`);
      return data;
    };
    new Function('require', 'exports', 'console', js)(fakeRequire, {}, fakeConsole);
    expect(String(printed[0][0])).toMatch(/^users\s+2$/m);
    expect(printed[1].slice(0, 2)).toEqual([1, 8]);
    // Only u1 (train a b c) trains; u2 (3 interactions) has the single train item b.
    expect(printed[1][2]).toEqual([0, 0, 0, 0, 0, 0, 1, 2]);
    expect(printed[1][3]).toEqual([0, 0, 0, 0, 0, 0, 2, 3]);
    expect(printed[1][4]).toBe(64);
    expect(printed[2]).toEqual(['e']);
  });
});
