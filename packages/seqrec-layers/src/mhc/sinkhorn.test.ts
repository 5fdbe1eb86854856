/** Sinkhorn-Knopp against shared/fixtures/sinkhorn.json and its doubly-stochastic promise. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initBackend, tf, type BackendName } from '@seqrec/runtime';
import { requireOutside } from '@seqrec/test-utils';
import { sinkhornKnopp } from './sinkhorn';
import { SinkhornBlock } from './sinkhornBlock';
import { SinkhornBlock4 } from './sinkhornBlock4';

const FIXTURE = path.resolve(__dirname, '../../../../../shared/fixtures/sinkhorn.json');
const hasFixture = requireOutside('the Sinkhorn spec fixture', [FIXTURE]);

interface SinkhornCase {
  n: number;
  iters: number;
  logits: number[];
  result: number[];
}

describe.each(['cpu', 'wasm'] as BackendName[])('sinkhornKnopp on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });

  (hasFixture ? test : test.skip)('matches every case of sinkhorn.json within 1e-4', () => {
    const { cases } = JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as { cases: SinkhornCase[] };
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) {
      const result = sinkhornKnopp(tf.tensor2d(c.logits, [c.n, c.n]), c.iters);
      const values = result.dataSync();
      c.result.forEach((expected, i) => expect(Math.abs(values[i] - expected)).toBeLessThan(1e-4));
      result.dispose();
    }
  });

  test('columns sum to 1 within 1e-5; rows too for logits of std <= 0.5', () => {
    const logits = tf.randomNormal([64, 4, 4], 0, 0.5, 'float32', 7);
    const m = sinkhornKnopp(logits, 20);
    const columnError = tf.max(tf.abs(tf.sub(tf.sum(m, -2), 1))).dataSync()[0];
    const rowError = tf.max(tf.abs(tf.sub(tf.sum(m, -1), 1))).dataSync()[0];
    expect(columnError).toBeLessThan(1e-5);
    expect(rowError).toBeLessThan(1e-5);
    expect(tf.min(m).dataSync()[0]).toBeGreaterThan(0);
    tf.dispose([logits, m]);
  });

  test('large logits do not overflow exp', () => {
    const m = sinkhornKnopp(
      tf.tensor3d([
        [
          [200, 0],
          [0, 200],
        ],
      ]),
      20,
    );
    expect(Array.from(m.dataSync()).every(Number.isFinite)).toBe(true);
    m.dispose();
  });
});

describe('sinkhornKnopp gradient', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu' });
  });

  /** The spec's formula as tfjs ops; autodiff gives the reference gradient. */
  function reference(logits: tf.Tensor, iters: number): tf.Tensor {
    let m = tf.exp(logits);
    for (let i = 0; i < iters; i++) {
      m = tf.div(m, tf.sum(m, -1, true));
      m = tf.div(m, tf.sum(m, -2, true));
    }
    return m;
  }

  test('equals autodiff through the plain iterations', () => {
    const logits = tf.randomNormal([6, 4, 4], 0, 1.5, 'float32', 3);
    const probe = tf.randomNormal([6, 4, 4], 0, 1, 'float32', 4);
    const mine = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(sinkhornKnopp(x, 20), probe)))(logits);
    const theirs = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(reference(x, 20), probe)))(logits);
    const value = tf.max(tf.abs(tf.sub(sinkhornKnopp(logits, 20), reference(logits, 20)))).dataSync()[0];
    expect(value).toBeLessThan(1e-6);
    expect(tf.max(tf.abs(tf.sub(mine, theirs))).dataSync()[0]).toBeLessThan(1e-5);
    expect(tf.max(tf.abs(theirs)).dataSync()[0]).toBeGreaterThan(1e-3); // the check is not vacuous
  });
});

test('the unrolled n = 4 block computes bit-for-bit what the generic block computes', () => {
  const generic = new SinkhornBlock(4, 20);
  const unrolled = new SinkhornBlock4(20);
  let seed = 7;
  const next = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 8 - 4;
  let compared = 0;
  for (let trial = 0; trial < 50; trial++) {
    const logits = Array.from({ length: 16 }, next);
    const dy = Array.from({ length: 16 }, next);
    for (const block of [generic, unrolled]) {
      block.m.set(logits);
      block.forward();
    }
    expect(Array.from(unrolled.m)).toEqual(Array.from(generic.m));
    for (const block of [generic, unrolled]) {
      block.g.set(dy);
      block.backward();
    }
    expect(Array.from(unrolled.g)).toEqual(Array.from(generic.g));
    compared += generic.g.some((v) => v !== 0) ? 1 : 0;
  }
  expect(compared).toBe(50);
});
