/**
 * Installs releasingGradients.ts as the engine's `gradients`, once per engine, after checking
 * on the active backend that it gives the stock implementation's gradients (a small graph with
 * broadcasting, a shared input, a custom gradient that passes `dy` through and returns one
 * tensor for two inputs) and leaks nothing. Otherwise the stock implementation stays and the
 * reason is returned, for `BackendReport.kernelNotes`.
 */
import { tf } from '../tf';
import { hasGradientInternals, releasingGradients, type GradientEngine } from './releasingGradients';

export const RELEASING_GRADIENTS = 'gradients (engine: released during the backward pass)';

let installed: { engine: object; stock: GradientEngine['gradients'] } | null = null;

/** Gradients of a small graph covering the cases releasingGradients handles specially. */
function probeGradients(): Float32Array[] {
  const passThrough = tf.customGrad((a, b, save) => {
    (save as tf.GradSaveFunc)([]);
    return { value: tf.add(a as tf.Tensor, b as tf.Tensor), gradFunc: (dy) => [dy as tf.Tensor, dy as tf.Tensor] };
  });
  const x = tf.tensor2d([0.5, -1, 2, 0.25, 1.5, -0.5, 0.75, 1, -2, 0.1, 0.3, 0.9], [3, 4]);
  const w = tf.tensor2d([0.2, -0.4, 0.6, 0.1, -0.3, 0.5, 0.7, -0.2, 0.4, 0.9, -0.6, 0.3, 0.8, -0.1, 0.05, 0.6], [4, 4]);
  const b = tf.tensor1d([0.1, -0.2, 0.3, 0]);
  try {
    const f = (xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor): tf.Scalar => {
      const h = tf.relu(tf.add(tf.matMul(xi as tf.Tensor2D, wi as tf.Tensor2D), bi)); // [3, 4]
      const s = tf.softmax(tf.mul(h, h));
      const c = passThrough(s, tf.mul(h, 0.5)) as tf.Tensor;
      return tf.sum(tf.mul(tf.transpose(c), tf.reshape(tf.tile(bi, [3]), [4, 3])));
    };
    return tf
      .tidy(() => tf.grads(f)([x, w, b]))
      .map((g) => {
        const values = g.dataSync() as Float32Array;
        g.dispose();
        return values;
      });
  } finally {
    tf.dispose([x, w, b]);
  }
}

function agree(a: Float32Array[], b: Float32Array[]): boolean {
  return a.length === b.length && a.every((x, i) => x.every((v, j) => Math.abs(v - (b[i]?.[j] ?? NaN)) <= 1e-6));
}

/** Installs (or keeps) the releasing gradients; returns the active name or why not. */
export function installReleasingGradients(): { active: string | null; note: string | null } {
  const engine = tf.engine() as unknown;
  if (installed !== null && installed.engine === engine) return { active: RELEASING_GRADIENTS, note: null };
  if (!hasGradientInternals(engine))
    return { active: null, note: `gradients: stock tfjs (tfjs-core ${tf.version_core} internals differ)` };
  const stock = engine.gradients;
  const expected = probeGradients();
  const tensorsBefore = tf.memory().numTensors;
  engine.gradients = releasingGradients(stock);
  let failure: string | null = null;
  try {
    if (!agree(probeGradients(), expected)) failure = 'self-test gradients differ from the stock ones';
    else if (tf.memory().numTensors !== tensorsBefore) failure = 'self-test leaked tensors';
  } catch (error) {
    failure = `self-test failed: ${(error as Error).message}`;
  }
  if (failure !== null) {
    engine.gradients = stock;
    return { active: null, note: `gradients: stock tfjs (${failure})` };
  }
  installed = { engine, stock };
  return { active: RELEASING_GRADIENTS, note: null };
}

/** Restores the stock `engine.gradients` (tests compare both). */
export function uninstallReleasingGradients(): void {
  if (installed === null) return;
  const engine = installed.engine as GradientEngine;
  engine.gradients = installed.stock;
  installed = null;
}
