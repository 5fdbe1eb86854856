/**
 * The spec fixtures (shared/fixtures/model_*.json): with the fixture's parameters loaded, the
 * features, training logits, loss, candidate scores and the gradient of every parameter match
 * within 1e-4 on the cpu and the wasm backends.
 */
import { initBackend, tf, type BackendName } from '@seqrec/runtime';
import { largestDifference } from '@seqrec/test-utils';
import { createModel } from './createModel';
import { fixtureModelConfig, hasFixtures, readModelFixture } from './test-utils/fixtures';

const TOLERANCE = 1e-4;
const VARIANTS = ['sasrec', 'sasrec_mhc', 'tisasrec', 'tisasrec_mhc'];
const BACKENDS: BackendName[] = ['cpu', 'wasm'];

const describeIfFixtures = hasFixtures ? describe : describe.skip;

describeIfFixtures.each(BACKENDS)('spec fixtures on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });

  test.each(VARIANTS)('%s matches outputs and gradients within 1e-4', (variant) => {
    const fixture = readModelFixture(variant);
    const model = createModel(fixtureModelConfig(fixture));
    const names = [...model.weights.keys()].sort();
    expect(names).toEqual(Object.keys(fixture.params).sort());
    for (const [name, variable] of model.weights) {
      const param = fixture.params[name];
      expect(variable.shape).toEqual(param.shape);
      variable.assign(tf.tensor(param.values, param.shape));
    }
    const { seq, pos, neg, rel, candidates } = fixture.inputs;
    const batch = {
      seq: tf.tensor2d(seq, undefined, 'int32'),
      pos: tf.tensor2d(pos, undefined, 'int32'),
      neg: tf.tensor2d(neg, undefined, 'int32'),
      rel: rel === null ? null : tf.tensor3d(rel, undefined, 'int32'),
    };
    const candidateIds = tf.tensor2d(candidates, undefined, 'int32');

    const reached: Record<string, number> = {};
    const check = (what: string, actual: tf.Tensor, expected: { shape: number[]; values: number[] }) => {
      expect(actual.shape).toEqual(expected.shape);
      reached[what] = largestDifference(actual.dataSync(), expected.values).value;
      actual.dispose();
    };
    check('features', model.features(batch), fixture.outputs.features);
    const { posLogits, negLogits } = model.trainingLogits(batch);
    check('posLogits', posLogits, fixture.outputs.posLogits);
    check('negLogits', negLogits, fixture.outputs.negLogits);
    check('scores', model.score(batch, candidateIds), fixture.outputs.scores);
    const variables = [...model.weights.values()];
    const { value, grads } = tf.variableGrads(() => model.loss(batch), variables);
    reached.loss = Math.abs(value.dataSync()[0] - fixture.outputs.loss);
    value.dispose();
    let worstGrad = 0;
    for (const [name, variable] of model.weights) {
      const grad = grads[variable.name];
      const diff = largestDifference(grad.dataSync(), fixture.grads[name].values).value;
      if (diff > TOLERANCE) throw new Error(`${variant}/${backend}: gradient of ${name} differs by ${diff}`);
      worstGrad = Math.max(worstGrad, diff);
    }
    reached.grads = worstGrad;
    tf.dispose([grads, batch.seq, batch.pos, batch.neg, candidateIds]);
    if (batch.rel !== null) batch.rel.dispose();
    model.dispose();
    console.info(`${variant} on ${backend}: max |diff| ${JSON.stringify(reached)}`);
    for (const [what, diff] of Object.entries(reached)) {
      if (diff > TOLERANCE) throw new Error(`${variant}/${backend}: ${what} differs by ${diff}`);
    }
  });
});
