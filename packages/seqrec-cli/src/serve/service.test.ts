import { spawn } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tf } from '@seqrec/runtime';
import { requireOutside } from '@seqrec/test-utils';
import { startService, type RunningService } from './startService';
import { cli } from '../test-utils/cli';

interface Reply {
  status: number;
  body: Record<string, unknown>;
}

async function post(url: string, body: unknown): Promise<Reply> {
  const res = await fetch(`${url}/v1/recommend`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Polls /v1/health until the service has received at least `n` other requests. */
async function waitForInFlight(url: string, n: number): Promise<void> {
  for (const start = Date.now(); Date.now() - start < 60_000; ) {
    const health = (await (await fetch(`${url}/v1/health`)).json()) as { in_flight: number };
    if (health.in_flight >= n) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`the service never had ${n} requests in flight`);
}

type Items = { item: string; score: number }[];

let tmp: string;
let trainDir: string;

beforeAll(async () => {
  tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'seqrec-serve-'));
  trainDir = path.join(tmp, 'run');
  const t = await cli(
    'train',
    '--train_dir',
    trainDir,
    '--num_epochs',
    '1',
    '--eval_every',
    '1',
    '--eval_users',
    '100',
    '--eval_protocol',
    'sampled',
    '--workers',
    '1',
    '--maxlen',
    '20',
    '--hidden_units',
    '16',
    '--num_blocks',
    '1',
    '--no_mhc',
    '--backend',
    'wasm',
  );
  expect(t.stderr).not.toMatch(/error/);
  expect(t.code).toBe(0);
}, 120_000);

afterAll(async () => {
  await fsp.rm(tmp, { recursive: true, force: true });
});

describe('a running service (TiSASRec, loopback)', () => {
  let service: RunningService;
  beforeAll(async () => {
    service = await startService({ trainDir, host: '127.0.0.1', port: 0, watchIntervalMs: 0 });
  });
  afterAll(async () => {
    await service.close();
  });

  it('health and model description', async () => {
    const health = await fetch(`${service.url}/v1/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    const model = (await (await fetch(`${service.url}/v1/model`)).json()) as Record<string, unknown>;
    const vocab = JSON.parse(await fsp.readFile(path.join(trainDir, 'best', 'vocab.json'), 'utf8')) as {
      items: string[];
    };
    expect(model['catalogue_size']).toBe(vocab.items.length);
    expect(model['time_aware']).toBe(true);
    expect(model['config']).toMatchObject({ kind: 'tisasrec', maxlen: 20, hiddenUnits: 16 });
    expect(model['provenance']).toMatchObject({ dataset: 'synthetic' });
  });

  it("a user's top-k equals `seqrec recommend --user`'s; exclude and k are honoured", async () => {
    const viaCli = await cli('recommend', '--train_dir', trainDir, '--user', '7', '-k', '5', '--json');
    expect(viaCli.code).toBe(0);
    const expected = (JSON.parse(viaCli.stdout) as { items: Items }).items;
    const got = await post(service.url, { user: 7, k: 5 });
    expect(got.status).toBe(200);
    const items = got.body['items'] as Items;
    expect(items.map((i) => i.item)).toEqual(expected.map((i) => i.item));
    items.forEach((i, j) => expect(Math.abs(i.score - (expected[j] as { score: number }).score)).toBeLessThan(1e-5));
    const excluded = await post(service.url, { user: '7', k: 4, exclude: [expected[0]!.item, 'not-an-item'] });
    expect((excluded.body['items'] as Items).map((i) => i.item)).toEqual(expected.slice(1).map((i) => i.item));
  });

  it('items with timestamps; concurrent requests each get their own answer', async () => {
    const one = await post(service.url, { items: ['1', '2', '3'], timestamps: [0, 3600, 7200], k: 3 });
    expect(one.status).toBe(200);
    const top = one.body['items'] as Items;
    expect(top).toHaveLength(3);
    expect(top.map((i) => i.item)).not.toContain('3');
    const users = Array.from({ length: 30 }, (_, i) => i + 1);
    const alone = await Promise.all(users.slice(0, 3).map((u) => post(service.url, { user: u, k: 3 })));
    const together = await Promise.all(users.map((u) => post(service.url, { user: u, k: 3 })));
    expect(together.every((r) => r.status === 200)).toBe(true);
    alone.forEach((r, u) => {
      const a = r.body['items'] as Items;
      const b = together[u]!.body['items'] as Items;
      expect(b.map((i) => i.item)).toEqual(a.map((i) => i.item));
      a.forEach((x, j) => expect(Math.abs(x.score - b[j]!.score)).toBeLessThan(1e-5));
    });
  });

  it.each([
    ['neither user nor items', {}, 400, 'items'],
    ['both user and items', { user: 1, items: ['1'] }, 400, 'user'],
    ['empty items', { items: [] }, 400, 'items'],
    ['an unknown item', { items: ['1', 'nope'], timestamps: [1, 2] }, 400, 'items[1]'],
    ['a non-integer k', { user: 1, k: 2.5 }, 400, 'k'],
    ['k as a string (no coercion)', { user: 1, k: '5' }, 400, 'k'],
    ['k = 0', { user: 1, k: 0 }, 400, 'k'],
    ['an unknown field', { user: 1, kk: 3 }, 400, 'kk'],
    ['an object as item', { items: [{}], timestamps: [1] }, 400, 'items[0]'],
    ['time-aware model without timestamps', { items: ['1'] }, 400, 'timestamps'],
    ['timestamps of another length', { items: ['1', '2'], timestamps: [1] }, 400, 'timestamps'],
    ['descending timestamps', { items: ['1', '2', '3'], timestamps: [5, 6, 1] }, 400, 'timestamps[2]'],
    ['timestamps with a user', { user: 1, timestamps: [1] }, 400, 'timestamps'],
    ['an unknown user', { user: 'nobody' }, 404, 'user'],
    ['not JSON', '{"user": ', 400, 'body'],
    ['a JSON array', [1, 2], 400, 'body'],
  ])('%s', async (_name, body, status, field) => {
    const r = await post(service.url, body);
    expect(r.status).toBe(status);
    expect(r.body['field']).toBe(field);
    expect(typeof r.body['error']).toBe('string');
  });

  it('oversized bodies get 413; unknown routes 404; the service still answers after bad requests', async () => {
    const big = await post(service.url, { items: Array.from({ length: 100_000 }, () => '1') });
    expect(big.status).toBe(413);
    expect((await fetch(`${service.url}/v2/nothing`)).status).toBe(404);
    expect((await post(service.url, { user: 1 })).status).toBe(200);
  });
});

it('reloads (explicitly and on a new best/) without dropping requests; close() drains; no tensor leaks', async () => {
  const before = tf.memory().numTensors;
  const service = await startService({ trainDir, host: '127.0.0.1', port: 0, watchIntervalMs: 50 });
  const first = (await post(service.url, { user: 3 })).body['model_id'];
  const during = Array.from({ length: 40 }, (_, i) => post(service.url, { user: (i % 20) + 1, k: 5 }));
  await service.reload();
  const replies = await Promise.all(during);
  expect(replies.map((r) => r.status)).toEqual(replies.map(() => 200));
  const second = (await post(service.url, { user: 3 })).body['model_id'];
  expect(second).not.toBe(first);

  // A new best/ checkpoint swapped in as the trainer does (copy, then rename over).
  const best = path.join(trainDir, 'best');
  await fsp.cp(best, `${best}.tmp-test`, { recursive: true });
  await fsp.rename(best, `${best}.old`);
  await fsp.rename(`${best}.tmp-test`, best);
  await fsp.rm(`${best}.old`, { recursive: true });
  let third = second;
  for (let i = 0; i < 100 && third === second; i++) {
    await new Promise((r) => setTimeout(r, 50));
    third = (await post(service.url, { user: 3 })).body['model_id'];
  }
  expect(third).not.toBe(second);
  await service.close();

  // A long batching wait (10 s, flushed by close at the latest) keeps all 20 received and unanswered when close() begins.
  const slow = await startService({ trainDir, host: '127.0.0.1', port: 0, batching: { maxWaitMs: 10_000 } });
  const inFlight = Array.from({ length: 20 }, (_, i) => post(slow.url, { user: i + 1 }));
  await waitForInFlight(slow.url, 20);
  await slow.close();
  expect((await Promise.all(inFlight)).map((r) => r.status)).toEqual(inFlight.map(() => 200));
  expect(tf.memory().numTensors).toBe(before);
}, 60_000);

it('scoring threads answer as the main thread does, batch concurrent requests, reload, and close', async () => {
  const before = tf.memory().numTensors;
  const inProcess = await startService({ trainDir, host: '127.0.0.1', port: 0, watchIntervalMs: 0, threads: 0 });
  const threaded = await startService({ trainDir, host: '127.0.0.1', port: 0, watchIntervalMs: 0, threads: 2 });
  const bodies = [
    ...Array.from({ length: 24 }, (_, i) => ({ user: i + 1, k: 5 })),
    { items: ['1', '2', '3'], timestamps: [0, 3600, 7200], k: 4, exclude: ['5'] },
  ];
  const expected = await Promise.all(bodies.map((b) => post(inProcess.url, b)));
  const got = await Promise.all(bodies.map((b) => post(threaded.url, b)));
  got.forEach((r, i) => {
    expect(r.status).toBe(200);
    const want = expected[i]!.body['items'] as Items;
    const items = r.body['items'] as Items;
    expect(items.map((x) => x.item)).toEqual(want.map((x) => x.item));
    items.forEach((x, j) => expect(Math.abs(x.score - want[j]!.score)).toBeLessThan(1e-5));
  });
  const health = (await (await fetch(`${threaded.url}/v1/health`)).json()) as {
    batching: { batches: number; requests: number; largest: number };
  };
  expect(health.batching.requests).toBe(bodies.length);
  expect(health.batching.batches).toBeLessThan(bodies.length); // concurrent requests shared batches
  expect((await post(threaded.url, { user: 'nobody' })).status).toBe(404);
  const during = Array.from({ length: 20 }, (_, i) => post(threaded.url, { user: i + 1 }));
  await threaded.reload(); // a new pool of threads; the old one ends with its last request
  expect((await Promise.all(during)).map((r) => r.status)).toEqual(during.map(() => 200));
  expect((await post(threaded.url, { user: 3 })).status).toBe(200);
  await Promise.all([inProcess.close(), threaded.close()]);
  expect(tf.memory().numTensors).toBe(before);
}, 180_000);

const mainJs = path.join(__dirname, '..', '..', 'dist', 'main.js');
(requireOutside('the build of @seqrec/cli (npm run build)', [mainJs]) ? it : it.skip)(
  'the built bin: serve, SIGHUP reloads, SIGTERM drains and exits 0',
  async () => {
    const args = ['serve', '--train_dir', trainDir, '--port', '0', '--max_wait_ms', '5000'];
    const child = spawn(process.execPath, [mainJs, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening on (http:\S+)/.exec(out);
        if (m !== null) resolve(m[1] as string);
      });
      void exited.then(() => reject(new Error(`serve exited early: ${stderr}`)));
    });
    const first = (await post(url, { user: 2 })).body['model_id'];
    child.kill('SIGHUP');
    let second = first;
    for (let i = 0; i < 100 && second === first; i++) {
      await new Promise((r) => setTimeout(r, 50));
      second = (await post(url, { user: 2 })).body['model_id'];
    }
    expect(second).not.toBe(first);
    const inFlight = Array.from({ length: 10 }, (_, i) => post(url, { user: i + 1 }));
    await waitForInFlight(url, 10);
    child.kill('SIGTERM');
    expect((await Promise.all(inFlight)).map((r) => r.status)).toEqual(inFlight.map(() => 200));
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/reloaded/);
  },
  60_000,
);
