// Benchmark (not a test): load an ML-1M-sized ratings.dat (1,000,209 lines, 6040 users,
// 3706 items) from a temp dir and time loadInteractions + buildDataset + leaveOneOutSplit.
// Run from the repo root:
//   npx tsc -b packages/seqrec-data/tsconfig.lib.json && node packages/seqrec-data/bench/load.bench.js
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Random, buildDataset, leaveOneOutSplit, loadInteractions } = require('../dist/index.js');

const LINES = 1000209;
const USERS = 6040;
const ITEMS = 3706;

function writeRatings(file) {
  const rng = new Random(0);
  const fd = fs.openSync(file, 'w');
  const perUser = Math.floor(LINES / USERS);
  let written = 0;
  let buf = [];
  for (let u = 1; u <= USERS; u++) {
    const n = u === USERS ? LINES - written : perUser;
    let t = 956703932 + rng.nextInt(1e7);
    for (let k = 0; k < n; k++) {
      t += rng.nextInt(3600);
      buf.push(`${u}::${1 + rng.nextInt(ITEMS)}::${1 + rng.nextInt(5)}::${t}`);
    }
    written += n;
    if (buf.length > 50000) {
      fs.writeSync(fd, buf.join('\n') + '\n');
      buf = [];
    }
  }
  fs.writeSync(fd, buf.join('\n') + '\n');
  fs.closeSync(fd);
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqrec-bench-'));
  try {
    const file = path.join(dir, 'ratings.dat');
    writeRatings(file);
    const bytes = fs.statSync(file).size;
    const runs = [];
    for (let r = 0; r < 3; r++) {
      const t0 = process.hrtime.bigint();
      const log = await loadInteractions(file);
      const t1 = process.hrtime.bigint();
      const ds = buildDataset(log);
      const t2 = process.hrtime.bigint();
      leaveOneOutSplit(ds);
      const t3 = process.hrtime.bigint();
      const ms = (a, b) => Number(b - a) / 1e6;
      runs.push({
        load: ms(t0, t1),
        build: ms(t1, t2),
        split: ms(t2, t3),
        total: ms(t0, t3),
        lines: log.rawUsers.length,
        users: ds.numUsers,
        items: ds.numItems,
      });
    }
    console.log(`file: ${LINES} lines, ${(bytes / 1e6).toFixed(1)} MB`);
    for (const r of runs) {
      console.log(
        `load ${r.load.toFixed(0)} ms + buildDataset ${r.build.toFixed(0)} ms + split ${r.split.toFixed(
          0,
        )} ms = ${r.total.toFixed(0)} ms  (${r.lines} interactions, ${r.users} users, ${r.items} items)`,
      );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
