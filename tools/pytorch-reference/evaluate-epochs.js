#!/usr/bin/env node
/**
 * Evaluates every `epoch-NNNN/` model that sasrec_reference.py saved in a run dir with seqrec's
 * own evaluation (`seqrec train --inference_only`: the same users, negatives and ranking code as
 * the seqrec runs), adds the results to the run's metrics.jsonl as eval records, and copies the
 * epoch with the best valid sampled NDCG@10 to `best/`. With `--args_from <seqrec run dir>` (the
 * run given to sasrec_reference.py's `--like`) it also writes that run's `args.json` (train_dir
 * renamed) into the dir, which makes it a seqrec train dir: `seqrec eval --train_dir <dir>
 * --ranks_out ...` then works on it as on any other run. An existing args.json is left alone.
 *
 *   node tools/pytorch-reference/evaluate-epochs.js runs/ml1m-sasrec-pytorch --args_from runs/ml1m-sasrec -- \
 *     --dataset ../shared/data/ml-1m-partial/ratings.dat.gz --no_time --no_mhc --maxlen 200 --seed 1
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const usage =
  'usage: node tools/pytorch-reference/evaluate-epochs.js <run dir> [--args_from <seqrec run dir>] -- <seqrec train flags>\n';
const [runDir, ...rest] = process.argv.slice(2);
let argsFrom = null;
if (rest[0] === '--args_from') argsFrom = rest.splice(0, 2)[1] ?? null;
const [separator, ...seqrecFlags] = rest;
if (runDir === undefined || separator !== '--' || seqrecFlags.length === 0 || (rest.length > 0 && argsFrom === '')) {
  process.stderr.write(usage);
  process.exit(2);
}
if (argsFrom !== null && !fs.existsSync(path.join(argsFrom, 'args.json'))) {
  process.stderr.write(`--args_from ${argsFrom}: no args.json (not a seqrec train dir?)\n${usage}`);
  process.exit(2);
}
const seqrec = path.join(__dirname, '../../packages/seqrec-cli/dist/main.js');
const metricsFile = path.join(runDir, 'metrics.jsonl');
const epochRecords = fs
  .readFileSync(metricsFile, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l))
  .filter((r) => r.type === 'epoch'); // earlier eval records are replaced

const evalRecords = [];
const epochDirs = fs
  .readdirSync(runDir)
  .filter((name) => /^epoch-\d+$/.test(name))
  .sort();
if (epochDirs.length === 0) throw new Error(`${runDir}: no epoch-NNNN/ model dirs`);
for (const name of epochDirs) {
  const epoch = Number(name.slice('epoch-'.length));
  const argv = [seqrec, 'train', ...seqrecFlags, '--train_dir', runDir, '--inference_only'];
  const child = spawnSync(process.execPath, [...argv, '--state_dict_path', path.join(runDir, name), '--json'], {
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(`seqrec on ${name} exited ${child.status}: ${child.stderr.trim()}`);
  const summary = child.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l))
    .find((l) => l.event === 'summary');
  for (const r of summary.results) evalRecords.push({ type: 'eval', epoch, ...r });
  const line = (split, protocol) => {
    const r = summary.results.find((x) => x.split === split && x.protocol === protocol);
    return `${split} ${protocol} NDCG@10 ${r.metrics['NDCG@10'].toFixed(4)}`;
  };
  process.stderr.write(`${name}: ${line('valid', 'sampled')}, ${line('test', 'sampled')}\n`);
}

const tmp = `${metricsFile}.tmp`;
fs.writeFileSync(tmp, [...epochRecords, ...evalRecords].map((r) => JSON.stringify(r)).join('\n') + '\n');
fs.renameSync(tmp, metricsFile);

const selection = evalRecords.filter((r) => r.split === 'valid' && r.protocol === 'sampled');
const best = selection.reduce((a, b) => (b.metrics['NDCG@10'] > a.metrics['NDCG@10'] ? b : a));
const bestDir = path.join(runDir, 'best');
fs.rmSync(`${bestDir}.tmp`, { recursive: true, force: true });
fs.cpSync(path.join(runDir, `epoch-${String(best.epoch).padStart(4, '0')}`), `${bestDir}.tmp`, { recursive: true });
fs.rmSync(bestDir, { recursive: true, force: true });
fs.renameSync(`${bestDir}.tmp`, bestDir);
process.stderr.write(`best: epoch ${best.epoch} (valid sampled NDCG@10 ${best.metrics['NDCG@10'].toFixed(4)})\n`);

const argsFile = path.join(runDir, 'args.json');
if (argsFrom !== null && !fs.existsSync(argsFile)) {
  const args = JSON.parse(fs.readFileSync(path.join(argsFrom, 'args.json'), 'utf8'));
  args.train_dir = path.resolve(runDir);
  if (typeof args.seqrec_settings === 'object' && args.seqrec_settings !== null)
    args.seqrec_settings.trainDir = args.train_dir;
  fs.writeFileSync(`${argsFile}.tmp`, JSON.stringify(args, null, 2) + '\n');
  fs.renameSync(`${argsFile}.tmp`, argsFile);
  process.stderr.write(`args.json: from ${argsFrom} (train_dir renamed)\n`);
}
