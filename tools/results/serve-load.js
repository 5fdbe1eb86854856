#!/usr/bin/env node
/**
 * Load test of `seqrec serve` on loopback: starts the built CLI's service on a free port for a
 * train dir, drives it with autocannon for a bounded time and request count with a mix of valid
 * single-user requests and invalid ones, checks that every reply has the status its request
 * deserves (200, or 400/404 naming a field), and prints one JSON line: recommendations/s,
 * latency percentiles, failures. Runs against the built packages (`npm run build` first).
 *
 *   node tools/results/serve-load.js --train_dir runs/x --duration 10 --connections 32 --history 200
 *
 * --history N: valid requests send N item ids (a full maxlen window at N = maxlen) with
 * timestamps; --history 0 asks for known users (their own, dataset-length histories).
 * --warmup N: before measuring, send the request cycle N times (JIT, known-user feature cache).
 * --profile DIR: the server writes a V8 CPU profile (node --cpu-prof) into DIR on exit.
 */
/* global fetch */
const { spawn } = require('node:child_process');
const { readFileSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseToolArgs } = require('../toolArgs');
const autocannon = require('autocannon');

const { values: args } = parseToolArgs(__filename, {
  options: {
    train_dir: { type: 'string' },
    duration: { type: 'string', default: '10' },
    amount: { type: 'string', default: '100000' }, // most requests; the run stops at whichever bound comes first
    connections: { type: 'string', default: '32' },
    history: { type: 'string', default: '200' },
    invalid: { type: 'string', default: '0.1' },
    k: { type: 'string', default: '10' },
    max_batch: { type: 'string', default: '64' },
    max_wait_ms: { type: 'string', default: '2' },
    threads: { type: 'string', default: '1' },
    seed: { type: 'string', default: '1' },
    profile: { type: 'string' },
    warmup: { type: 'string', default: '0' },
  },
});
if (!args.train_dir) {
  process.stderr.write(
    'usage: node tools/results/serve-load.js --train_dir DIR [--duration s] [--connections n] [--history n]\n',
  );
  process.exit(2);
}
const mainJs = path.join(__dirname, '..', '..', 'packages', 'seqrec-cli', 'dist', 'main.js');
const vocab = JSON.parse(readFileSync(path.join(args.train_dir, 'best', 'vocab.json'), 'utf8'));
const history = Number(args.history);
const k = Number(args.k);

let state = Number(args.seed) >>> 0 || 1;
const random = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
const pick = (list) => list[Math.floor(random() * list.length)];

function validBody() {
  if (history === 0) return { user: pick(vocab.users), k };
  const items = Array.from({ length: history }, () => pick(vocab.items));
  return { items, timestamps: items.map((_, i) => 1_000_000 + 3600 * i), k };
}

/** [body, expected status]: each breaks one rule the service checks. */
const INVALID = [
  [JSON.stringify({ user: vocab.users[0], k: 0 }), 400],
  [JSON.stringify({ user: vocab.users[0], k: '5' }), 400],
  [JSON.stringify({ items: ['no-such-item'], timestamps: [1] }), 400],
  [JSON.stringify({ user: 'no-such-user' }), 404],
  [JSON.stringify({ user: vocab.users[0], extra: true }), 400],
  ['{"user": ', 400],
  [JSON.stringify({}), 400],
];

// A fixed cycle of 200 requests; autocannon repeats it.
const requests = [];
const expected = [];
for (let i = 0; i < 200; i++) {
  const bad = random() < Number(args.invalid);
  const [body, status] = bad ? pick(INVALID) : [JSON.stringify(validBody()), 200];
  requests.push({ method: 'POST', path: '/v1/recommend', headers: { 'content-type': 'application/json' }, body });
  expected.push(status);
}

async function startServer() {
  const profile = args.profile === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', args.profile];
  const argv = [...profile, mainJs, 'serve', '--train_dir', args.train_dir, '--port', '0'];
  argv.push('--max_batch', args.max_batch, '--max_wait_ms', args.max_wait_ms, '--threads', args.threads);
  const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d.toString();
      const m = /listening on (http:\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`seqrec serve exited with ${code}`)));
  });
  return { child, url };
}

/** CPU seconds (user + system, all threads) a process has used so far, from /proc (Linux); null elsewhere. */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return null;
  }
}

/** Sends the request cycle `passes` times, `connections` at a time (not measured). */
async function warmUp(url, passes) {
  for (let pass = 0; pass < passes; pass++) {
    for (let i = 0; i < requests.length; i += Number(args.connections)) {
      const chunk = requests.slice(i, i + Number(args.connections));
      await Promise.all(
        chunk.map((r) =>
          fetch(`${url}${r.path}`, { method: r.method, headers: r.headers, body: r.body }).then((res) => res.text()),
        ),
      );
    }
  }
}

async function main() {
  const { child, url } = await startServer();
  await warmUp(url, Number(args.warmup));
  const batchingBefore = (await (await fetch(`${url}/v1/health`)).json()).batching;
  const cpuBefore = cpuSeconds(child.pid);
  const clientCpuBefore = process.cpuUsage();
  const model = await (await fetch(`${url}/v1/model`)).json();
  const tally = { ok: 0, rejected: 0, wrong: 0 };
  let next = 0;
  let replies = 0;
  let instance;
  const result = await new Promise((resolve, reject) => {
    instance = autocannon(
      {
        url,
        connections: Number(args.connections),
        duration: Number(args.duration), // autocannon's own 'amount' would override the duration: counted below instead
        requests: [
          {
            setupRequest: (req, context) => {
              context.index = next++ % requests.length;
              return { ...req, ...requests[context.index] };
            },
            onResponse: (status, body, context) => {
              const want = expected[context.index];
              if (status !== want) tally.wrong += 1;
              else if (status === 200) tally.ok += 1;
              else if (JSON.parse(body).field === undefined) tally.wrong += 1;
              else tally.rejected += 1;
              if (++replies === Number(args.amount)) instance.stop();
            },
          },
        ],
      },
      (error, res) => (error ? reject(error) : resolve(res)),
    );
  });
  const { batching } = await (await fetch(`${url}/v1/health`)).json();
  const cpuAfter = cpuSeconds(child.pid);
  const serverCpu = cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore;
  const clientCpu = process.cpuUsage(clientCpuBefore);
  child.kill('SIGTERM');
  const exitCode = await new Promise((resolve) => child.on('exit', resolve));
  const seconds = result.duration;
  process.stdout.write(
    JSON.stringify({
      model: {
        kind: model.config.kind,
        mhc: model.config.mhc !== null,
        maxlen: model.config.maxlen,
        d: model.config.hiddenUnits,
        items: model.catalogue_size,
      },
      history: history === 0 ? 'known users' : history,
      warmup: Number(args.warmup),
      connections: Number(args.connections),
      threads: Number(args.threads),
      seconds,
      recommendations_per_s: Math.round(tally.ok / seconds),
      requests_per_s: Math.round(result.requests.total / seconds),
      latency_ms: {
        p50: result.latency.p50,
        p90: result.latency.p90,
        p99: result.latency.p99,
        max: result.latency.max,
      },
      ok: tally.ok,
      rejected_as_expected: tally.rejected,
      wrong_status: tally.wrong,
      mean_batch:
        Math.round(
          (10 * (batching.requests - batchingBefore.requests)) / Math.max(1, batching.batches - batchingBefore.batches),
        ) / 10,
      largest_batch: batching.largest,
      errors: result.errors,
      timeouts: result.timeouts,
      server_exit: exitCode,
      // CPU time the server used during the run, and recommendations per CPU second: what one
      // core would give if the server had it to itself (less sensitive to other load than rec/s).
      server_cpu_s: serverCpu === null ? null : Math.round(serverCpu * 10) / 10,
      recommendations_per_server_cpu_s: serverCpu === null ? null : Math.round(tally.ok / serverCpu),
      client_cpu_s: Math.round((clientCpu.user + clientCpu.system) / 1e5) / 10,
      loadavg: os.loadavg().map((x) => Math.round(x * 100) / 100),
    }) + '\n',
  );
  return tally.wrong + result.errors + result.timeouts === 0 && exitCode === 0 ? 0 : 1;
}

main().then(
  (code) => (process.exitCode = code),
  (error) => {
    process.stderr.write(`serve-load: ${error.message}\n`);
    process.exitCode = 1;
  },
);
