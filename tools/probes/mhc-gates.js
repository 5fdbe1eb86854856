#!/usr/bin/env node
/**
 * What an mHC model learned in its hyper-connections: for every mHC sublayer of a saved model
 * (a train dir's `best/` or `last/`), the three gates `alpha` and how far each parameter group
 * moved from its initial value. The initial values come from a fresh model with the same config
 * and seed (`createModel`), i.e. exactly what training started from. A group whose change is 0
 * received no gradient in the whole run (docs/RESULTS.md discusses the two such groups).
 * Runs against the built packages (`npm run build` first).
 *
 *   node tools/probes/mhc-gates.js runs/ml100k-sasrec_mhc/best [--json]
 */
const { parseToolArgs } = require('../toolArgs');
const { initBackend } = require('@seqrec/runtime');
const { createModel } = require('@seqrec/models');
const { loadModel } = require('@seqrec/models/node');

const { values: args, positionals } = parseToolArgs(__filename, {
  allowPositionals: true,
  options: { json: { type: 'boolean', default: false } },
});
if (positionals.length !== 1) {
  console.error('usage: node tools/probes/mhc-gates.js <saved model dir, e.g. runs/x/best> [--json]');
  process.exit(2);
}

const GROUPS = ['phi_pre', 'phi_post', 'phi_res', 'alpha_pre', 'alpha_post', 'alpha_res', 'b_pre', 'b_post', 'b_res'];

function maxAbsDifference(a, b) {
  const x = a.dataSync();
  const y = b.dataSync();
  let max = 0;
  for (let i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i] - y[i]));
  return max;
}

async function main() {
  await initBackend({ backend: 'cpu', log: () => undefined });
  const trained = await loadModel(positionals[0]);
  if (trained.config.mhc === null) throw new Error(`${positionals[0]}: not an mHC model`);
  const initial = createModel(trained.config, { seed: trained.seed });
  const prefixes = [...trained.weights.keys()]
    .filter((name) => name.endsWith('.alpha_pre'))
    .map((name) => name.slice(0, -'.alpha_pre'.length));
  const rows = prefixes.map((prefix) => {
    const row = { sublayer: prefix };
    for (const group of GROUPS) {
      const name = `${prefix}.${group}`;
      row[`${group} change`] = maxAbsDifference(trained.weights.get(name), initial.weights.get(name));
    }
    for (const gate of ['alpha_pre', 'alpha_post', 'alpha_res']) {
      row[gate] = trained.weights.get(`${prefix}.${gate}`).dataSync()[0];
    }
    row['b_post'] = Array.from(trained.weights.get(`${prefix}.b_post`).dataSync());
    return row;
  });
  if (args.json) {
    console.log(JSON.stringify(rows));
    return;
  }
  const fmt = (v) => (v === 0 ? '0' : Math.abs(v) < 1e-3 ? v.toExponential(1) : v.toFixed(3));
  console.log(`${positionals[0]}: max |trained - initial| per parameter group, and the learned gates`);
  console.log(['sublayer'.padEnd(20), ...GROUPS.map((g) => g.padStart(10)), '  b_post (learned)'].join(' '));
  for (const row of rows) {
    const cells = GROUPS.map((g) =>
      (g.startsWith('alpha') ? `${fmt(row[g])}/${fmt(row[`${g} change`])}` : fmt(row[`${g} change`])).padStart(10),
    );
    console.log([row.sublayer.padEnd(20), ...cells, '  ' + row['b_post'].map(fmt).join(' ')].join(' '));
  }
  console.log('alpha columns: learned value / change from the initial gate');
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
