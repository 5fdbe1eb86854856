/**
 * The one option table of the step probes (profile-step, mhc-overhead, step-probe): the shape of
 * a training step, with the benchmark's defaults (`seqrec bench`: B 128, T 200, d 50, 2 blocks,
 * V 3416 as ML-1M, interval span 256), and the bench's synthetic full-window batch for it.
 */
const { isTimeAware, lcg, modelConfigOf, syntheticBatch } = require('@seqrec/cli');

const SHAPE_DEFAULTS = {
  batch: '128',
  maxlen: '200',
  hidden: '50',
  blocks: '2',
  heads: '1',
  items: '3416',
  'time-span': '256',
};

/** parseArgs options of a step's shape; `defaults` changes a default (e.g. `{ heads: '2' }`). */
function stepShapeOptions(defaults = {}) {
  return Object.fromEntries(
    Object.entries({ ...SHAPE_DEFAULTS, ...defaults }).map(([name, value]) => [
      name,
      { type: 'string', default: value },
    ]),
  );
}

/** The parsed shape as the bench's config (`variant` given by the probe). */
function stepShape(args, variant) {
  return {
    variant,
    batch: Number(args.batch),
    maxlen: Number(args.maxlen),
    hidden: Number(args.hidden),
    blocks: Number(args.blocks),
    heads: Number(args.heads),
    timeSpan: Number(args['time-span']),
    numItems: Number(args.items),
  };
}

/**
 * The bench's synthetic full-window batch of a shape (host arrays, `TrainBatch` layout), drawn
 * from `random` (default: the bench's seed-1 generator).
 */
function syntheticStepBatch(shape, random = lcg(1), timeAware = isTimeAware(shape.variant)) {
  const sizes = { users: shape.batch, maxlen: shape.maxlen, numItems: shape.numItems };
  return syntheticBatch({ ...sizes, timeSpan: timeAware ? shape.timeSpan : null }, random);
}

module.exports = { stepShapeOptions, stepShape, syntheticStepBatch, modelConfigOf, isTimeAware, lcg };
