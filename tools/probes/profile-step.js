#!/usr/bin/env node
/**
 * Where a training step's time goes: runs one untimed step, then one step under `tf.profile`,
 * and summarises the kernels by total time (by kernel name, and by kernel + output shape).
 * A step is the trainer's own (`trainStep`: forward + backward + seqrec's Adam) on the
 * benchmark's synthetic input. Runs against the built packages (`npm run build` first).
 *
 *   node tools/probes/profile-step.js --backend wasm --variant sasrec --maxlen 200 --heads 1 [--loss ce] [--json]
 *
 * --loss bce|ce (default bce): the objective of the profiled step (the sampled losses need a
 * step's negatives: time those with `seqrec bench --losses`).
 */
const { parseToolArgs } = require('../toolArgs');
const os = require('node:os');
const { initBackend, tf } = require('@seqrec/runtime');
const { createModel, resolveLossConfig } = require('@seqrec/models');
const { Adam, trainStep } = require('@seqrec/train');
const { modelConfigOf, stepShape, stepShapeOptions, syntheticStepBatch } = require('./stepShape');

const { values: args } = parseToolArgs(__filename, {
  options: {
    ...stepShapeOptions(),
    backend: { type: 'string', default: 'wasm' },
    variant: { type: 'string', default: 'sasrec' },
    top: { type: 'string', default: '12' },
    loss: { type: 'string', default: 'bce' },
    json: { type: 'boolean', default: false },
  },
});

function summarise(kernels, key) {
  const groups = new Map();
  for (const k of kernels) {
    const name = key(k);
    const g = groups.get(name) ?? { kernel: name, ms: 0, calls: 0 };
    g.ms += k.kernelTimeMs;
    g.calls += 1;
    groups.set(name, g);
  }
  return [...groups.values()].sort((a, b) => b.ms - a.ms);
}

async function main() {
  const report = await initBackend({ backend: args.backend });
  const config = stepShape(args, args.variant);
  const model = createModel(modelConfigOf(config), { seed: 1 });
  const adam = new Adam(model.weights, { beta1: 0.9, beta2: 0.98 });
  const batch = syntheticStepBatch(config);
  if (args.loss !== 'bce' && args.loss !== 'ce') throw new Error(`--loss must be bce or ce, got ${args.loss}`);
  const objective = { loss: resolveLossConfig({ loss: args.loss }), negatives: null };
  await trainStep(model, adam, batch, 0.001, 1, objective); // warm-up (wasm compilation, first allocations)
  const start = process.hrtime.bigint();
  const info = await tf.profile(() => trainStep(model, adam, batch, 0.001, 1, objective));
  const wallSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  const all = await Promise.all(
    info.kernels.map(async (k) => ({ ...k, kernelTimeMs: Number(await k.kernelTimeMs) || 0 })),
  );
  // tf.customGrad functions are profiled as a scope AND their inner kernels are profiled too:
  // count only real kernels, list the scopes' time separately.
  const isScope = (k) => /scope/.test(k.name);
  const kernels = all.filter((k) => !isScope(k));
  const scopes = all.filter(isScope);
  const scopeMs = scopes.reduce((s, k) => s + k.kernelTimeMs, 0);
  const totalMs = kernels.reduce((s, k) => s + k.kernelTimeMs, 0);
  const top = Number(args.top);
  const byName = summarise(kernels, (k) => k.name).slice(0, top);
  const byShape = summarise(
    kernels,
    (k) =>
      `${k.name} ${k.inputShapes.map((s) => `[${s}]`).join('x')} -> [${k.outputShapes
        .map((s) => s.join(','))
        .join('; ')}]`,
  ).slice(0, top);
  const out = {
    backend: report.backend,
    kernelsActive: report.kernels,
    tfjs: report.tfjsVersion,
    node: process.versions.node,
    config: { ...config, loss: args.loss },
    wallSeconds,
    kernelMs: totalMs,
    kernelCalls: kernels.length,
    customGradScopes: { calls: scopes.length, ms: scopeMs },
    peakBytes: info.peakBytes,
    loadAverage: os.loadavg(),
    byName,
    byShape,
  };
  if (args.json) {
    process.stdout.write(JSON.stringify(out) + '\n');
    return;
  }
  const pct = (ms) => `${((100 * ms) / totalMs).toFixed(1)}%`.padStart(6);
  const lines = [
    `${config.variant} ${args.loss} B${config.batch} L${config.maxlen} d${config.hidden} ${config.blocks} blocks h${config.heads} on ${report.backend}: ` +
      `step under profile ${wallSeconds.toFixed(2)} s wall, kernels ${(totalMs / 1000).toFixed(2)} s in ${
        kernels.length
      } calls; load ${os.loadavg()[0].toFixed(2)}`,
    `(tf.customGrad scopes: ${scopes.length} calls, ${scopeMs.toFixed(0)} ms, already counted in their kernels)`,
    'by kernel:',
    ...byName.map(
      (g) =>
        `  ${g.kernel.padEnd(24)} ${g.ms.toFixed(0).padStart(7)} ms ${pct(g.ms)}  ${String(g.calls).padStart(4)} calls`,
    ),
    'by kernel and shape:',
    ...byShape.map(
      (g) => `  ${g.ms.toFixed(0).padStart(7)} ms ${pct(g.ms)} ${String(g.calls).padStart(4)}x  ${g.kernel}`,
    ),
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((error) => {
  process.stderr.write(`profile-step: ${error.stack || error.message}\n`);
  process.exit(1);
});
