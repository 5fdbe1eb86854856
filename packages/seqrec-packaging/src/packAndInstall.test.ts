/**
 * SLOW (about 1-2 minutes): what an npm user gets. Packs every published package (`npm pack`),
 * installs the tarballs with npm into a fresh temporary project that already depends on its own
 * @tensorflow/tfjs-core (as an application using tfjs would), and runs README examples there:
 * an ES module (the models README), a CommonJS script (the runtime README) and a TypeScript
 * program (the layers and data READMEs) compiled strictly, the installed declaration files
 * included (`skipLibCheck: false`). npm uses its cache first (`--prefer-offline`); packages not
 * in it come from the registry.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { requireOutside } from '@seqrec/test-utils';
import { asCommonJs, asEsModule, readmeBlock } from './readmeBlock';
import { WORKSPACE_ROOT, publishedPackages, readPackageJson } from './workspacePackages';

const SLOW = 10 * 60 * 1000;
const packages = publishedPackages();
const packageDir = (name: string) => packages.find((p) => p.json.name === name)?.dir as string;

const built = requireOutside('the build of the packages (npm run build)', [
  ...packages.map((p) => path.join(p.dir, 'dist', 'index.js')),
  path.join(packageDir('@seqrec/runtime'), 'build', 'tfjs-core', 'registrations.js'),
]);
const describeIfBuilt = built ? describe : describe.skip;

/** The environment without npm's own variables, so the workspace's npm settings do not leak in. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')));
}

function npm(args: string[], cwd: string): string {
  return execFileSync('npm', args, { cwd, env: cleanEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function node(args: string[], cwd: string): Run {
  const r = spawnSync(process.execPath, args, { cwd, env: cleanEnv(), encoding: 'utf8', timeout: SLOW });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every folder `node_modules/<name>` below `dir`, nested ones included. */
function installedCopies(dir: string, name: string): string[] {
  const found: string[] = [];
  const visit = (modules: string) => {
    if (!fs.existsSync(modules)) return;
    if (fs.existsSync(path.join(modules, name, 'package.json'))) found.push(path.join(modules, name));
    for (const entry of fs.readdirSync(modules)) {
      const parents = entry.startsWith('@')
        ? fs.readdirSync(path.join(modules, entry)).map((e) => `${entry}/${e}`)
        : [entry];
      for (const parent of parents) visit(path.join(modules, parent, 'node_modules'));
    }
  };
  visit(path.join(dir, 'node_modules'));
  return found;
}

describeIfBuilt('packed tarballs installed into a fresh project', () => {
  let tmp: string;
  let app: string;
  const packed = new Map<string, string[]>(); // package name -> files in its tarball

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seqrec-pack-'));
    app = path.join(tmp, 'app');
    const tarballs = path.join(tmp, 'tarballs');
    fs.mkdirSync(tarballs);
    fs.mkdirSync(app);
    const dependencies: Record<string, string> = { '@tensorflow/tfjs-core': '^4.22.0' };
    for (const pkg of packages) {
      const [result] = JSON.parse(npm(['pack', '--json', '--pack-destination', tarballs], pkg.dir)) as {
        filename: string;
        files: { path: string }[];
      }[];
      packed.set(pkg.json.name, result?.files.map((f) => f.path) ?? []);
      dependencies[pkg.json.name] = `file:${path.join(tarballs, path.basename(result?.filename as string))}`;
    }
    fs.writeFileSync(
      path.join(app, 'package.json'),
      JSON.stringify({ name: 'seqrec-consumer', version: '1.0.0', private: true, dependencies }, null, 2),
    );
    npm(['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], app);
  }, SLOW);

  afterAll(() => {
    if (tmp !== undefined) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('each tarball has package.json, README, LICENSE and dist, and no tests or build info', () => {
    for (const pkg of packages) {
      const files = packed.get(pkg.json.name) ?? [];
      expect(files).toEqual(
        expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts']),
      );
      expect(files.filter((f) => /\.test\.|tsbuildinfo|(^|\/)src\//.test(f))).toEqual([]);
    }
    expect(packed.get('@seqrec/runtime')).toContain('build/tfjs-core/registrations.js');
    expect(packed.get('@seqrec/cli')).toContain('bin/seqrec.js');
  });

  test("one copy of @tensorflow/tfjs-core (the application's), no @tensorflow/tfjs umbrella", () => {
    expect(installedCopies(app, '@tensorflow/tfjs-core')).toEqual([
      path.join(app, 'node_modules', '@tensorflow', 'tfjs-core'),
    ]);
    expect(installedCopies(app, '@tensorflow/tfjs')).toEqual([]);
  });

  test(
    'ES module: the models README trains (gradients work) and recommends unseen items',
    () => {
      fs.writeFileSync(path.join(app, 'models.mjs'), asEsModule(readmeBlock(packageDir('@seqrec/models'))));
      const r = node(['models.mjs'], app);
      expect([r.status, r.stderr]).toEqual([0, '']);
      // console.log(true), then console.log of an array of three ids (possibly over several lines).
      const [lossWentDown, ...items] = r.stdout.trim().split('\n');
      expect(lossWentDown).toBe('true');
      const ids = JSON.parse(items.join('').replace(/\s/g, '')) as number[];
      expect(ids).toHaveLength(3);
      for (const id of ids) expect([1, 2, 3, 4, 5]).not.toContain(id);
    },
    SLOW,
  );

  test(
    "CommonJS: the runtime README picks wasm and computes the gather gradient on the app's tfjs-core",
    () => {
      // Appended: the application's own tfjs-core runs on the engine and backend seqrec set up.
      const program = asCommonJs(
        readmeBlock(packageDir('@seqrec/runtime')) +
          "\nconst appTf = require('@tensorflow/tfjs-core');\n" +
          "console.log('app tfjs-core:', appTf.engine() === tf.engine(), appTf.getBackend());\n",
      );
      fs.writeFileSync(path.join(app, 'runtime.cjs'), program);
      const r = node(['runtime.cjs'], app);
      expect([r.status, r.stderr]).toEqual([0, '']);
      expect(r.stdout).toMatch(/^backend: wasm \(/);
      expect(r.stdout).toContain('tfjs-node-gpu:false tfjs-node:false wasm:true cpu:true');
      expect(r.stdout.replace(/\s/g, '')).toContain('[1,1,0,0,2,2]');
      expect(r.stdout).toContain('app tfjs-core: true wasm');
      expect(r.stdout).not.toMatch(/already registered/);
    },
    SLOW,
  );

  test(
    'TypeScript: the layers and data READMEs compile strictly against the installed types and run',
    () => {
      fs.writeFileSync(path.join(app, 'layers.mts'), readmeBlock(packageDir('@seqrec/layers')));
      fs.writeFileSync(path.join(app, 'data.mts'), readmeBlock(packageDir('@seqrec/data')));
      fs.writeFileSync(
        path.join(app, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            target: 'ES2022',
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            strict: true,
            skipLibCheck: false,
            outDir: 'out',
          },
          files: ['layers.mts', 'data.mts'],
        }),
      );
      const tsc = require.resolve('typescript/bin/tsc', { paths: [WORKSPACE_ROOT] });
      const compiled = node([tsc, '-p', '.'], app);
      expect(compiled.stdout + compiled.stderr).toBe('');
      expect(compiled.status).toBe(0);
      const layers = node(['out/layers.mjs'], app);
      expect([layers.status, layers.stderr]).toEqual([0, '']);
      expect(layers.stdout.replace(/\s/g, '')).toBe("[1,4,8]['attn.q.kernel','attn.q.bias']['1.0000','1.0000']");
      const data = node(['out/data.mjs'], app);
      expect([data.status, data.stderr]).toEqual([0, '']);
      expect(data.stdout.trim().split('\n').pop()).toBe('e');
    },
    SLOW,
  );

  test('the installed seqrec command prints its version and the backends', () => {
    const bin = path.join(app, 'node_modules', '.bin', 'seqrec');
    const version = spawnSync(bin, ['--version'], { cwd: app, env: cleanEnv(), encoding: 'utf8' });
    expect([version.status, version.stdout, version.stderr]).toEqual([
      0,
      `${readPackageJson(packageDir('@seqrec/cli')).version}\n`,
      '',
    ]);
    const info = spawnSync(bin, ['info', '--json'], { cwd: app, env: cleanEnv(), encoding: 'utf8' });
    expect(info.status).toBe(0);
    expect((JSON.parse(info.stdout) as { backend: string }).backend).toBe('wasm');
  });
});
