/**
 * Adam written on tf ops, so its whole state (first/second moments and the step count) can be
 * inspected, saved into a checkpoint and restored bit-for-bit.
 *
 * Update (Kingma & Ba, the PyTorch `torch.optim.Adam` form the reference uses with
 * betas (0.9, 0.98)):
 *   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
 *   p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 */
import { tf } from '@seqrec/runtime';

export interface AdamOptions {
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.98 (the SASRec/TiSASRec reference value). */
  beta2?: number;
  /** Default 1e-8. */
  epsilon?: number;
}

/** Host copy of the optimizer state, for checkpoints. */
export interface AdamState {
  step: number;
  /** Per weight name: first moment m and second moment v, row-major. */
  moments: Map<string, { shape: number[]; m: Float32Array; v: Float32Array }>;
}

export class Adam {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** Number of updates applied so far (t in the bias corrections). */
  step = 0;
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();

  constructor(private readonly weights: ReadonlyMap<string, tf.Variable>, options: AdamOptions = {}) {
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.98;
    this.epsilon = options.epsilon ?? 1e-8;
    for (const [name, w] of weights) {
      this.m.set(name, tf.variable(tf.zerosLike(w), false));
      this.v.set(name, tf.variable(tf.zerosLike(w), false));
    }
  }

  /** Applies one update with learning rate `lr`. `grads` is keyed by weight name; missing = 0. */
  apply(grads: ReadonlyMap<string, tf.Tensor>, lr: number): void {
    this.step += 1;
    const { beta1: b1, beta2: b2, epsilon: eps } = this;
    const bc1 = 1 - Math.pow(b1, this.step);
    const bc2 = 1 - Math.pow(b2, this.step);
    tf.tidy(() => {
      for (const [name, w] of this.weights) {
        const g = grads.get(name);
        if (g === undefined) continue;
        const m = this.m.get(name) as tf.Variable;
        const v = this.v.get(name) as tf.Variable;
        const newM = tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1));
        const newV = tf.add(tf.mul(v, b2), tf.mul(tf.square(g), 1 - b2));
        m.assign(newM);
        v.assign(newV);
        const denom = tf.add(tf.sqrt(tf.div(newV, bc2)), eps);
        w.assign(tf.sub(w, tf.mul(tf.div(newM, denom), lr / bc1)));
      }
    });
  }

  /** Downloads the state (used by checkpoints). */
  async getState(): Promise<AdamState> {
    const moments: AdamState['moments'] = new Map();
    for (const name of this.weights.keys()) {
      const m = this.m.get(name) as tf.Variable;
      const v = this.v.get(name) as tf.Variable;
      moments.set(name, {
        shape: m.shape.slice(),
        m: (await m.data()) as Float32Array,
        v: (await v.data()) as Float32Array,
      });
    }
    return { step: this.step, moments };
  }

  /** Restores a state taken from an optimizer over weights of the same names and shapes. */
  setState(state: AdamState): void {
    for (const name of this.weights.keys()) {
      const saved = state.moments.get(name);
      const m = this.m.get(name) as tf.Variable;
      if (saved === undefined) throw new Error(`optimizer state has no moments for weight '${name}'`);
      if (saved.shape.join(',') !== m.shape.join(',')) {
        throw new Error(`optimizer state for '${name}' has shape [${saved.shape}], the weight has [${m.shape}]`);
      }
      tf.tidy(() => {
        m.assign(tf.tensor(saved.m, saved.shape, 'float32'));
        (this.v.get(name) as tf.Variable).assign(tf.tensor(saved.v, saved.shape, 'float32'));
      });
    }
    this.step = state.step;
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
    this.m.clear();
    this.v.clear();
  }
}
