/**
 * Adam written on tf ops, so its whole state (first/second moments and the step count) can be
 * inspected, saved into a checkpoint and restored bit-for-bit.
 *
 * Update (Kingma & Ba, the PyTorch `torch.optim.Adam` form the reference uses with
 * betas (0.9, 0.98)):
 *   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
 *   p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 *
 * Weights named in `lazy` (the item table of a sparse embedding update) are updated row-wise by
 * lazy Adam (lazyAdamRows.ts: only the rows a step's gradient touches, bias corrections with the
 * same global t); their moments live on the host and are written in the same checkpoint format.
 * A dense weight may also take its gradient as rows (the rows a step read, when every other row's
 * gradient is 0): it gets the dense update, every row moving, from that gradient scattered into
 * zeros, so the step need not build and download a dense [V+1, d] gradient (embeddingUpdate.ts).
 *
 * Dense weights are updated either by tf kernels (about a dozen per weight: an mHC model's 70-odd
 * weights cost ~900 small kernel launches a step) or, where the backend lets the host write a
 * variable's storage in place (cpu, wasm), by one float64 loop per weight over that storage
 * (`denseUpdate: 'host'`, the default there); the two agree within float32 rounding.
 */
import { tf, writeVariableRows, writesInPlace } from '@seqrec/runtime';
import { adamSpan, checkRowGradient, lazyAdamRows, type RowGradient } from './lazyAdamRows';

/** A dense gradient: a tensor, or its values row-major on the host (e.g. summed from worker threads). */
export type DenseGradient = tf.Tensor | Float32Array;

export interface AdamOptions {
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.98 (the SASRec/TiSASRec reference value). */
  beta2?: number;
  /** Default 1e-8. */
  epsilon?: number;
  /** Names of weights updated by lazy Adam from row gradients (`apply`'s `rows`). Default none. */
  lazy?: readonly string[];
  /**
   * How dense weights are updated: `host` (a loop over the variable's storage, needs cpu or wasm)
   * or `kernels` (tf ops, any backend). Default `host` where the backend writes in place.
   */
  denseUpdate?: 'host' | 'kernels';
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
  readonly denseUpdate: 'host' | 'kernels';
  /** Moments of the dense weights under `kernels`. */
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();
  /** Moments of the lazy weights, and of the dense ones under `host`: host arrays [size], row-major. */
  private readonly hostMoments = new Map<string, { m: Float32Array; v: Float32Array }>();
  private readonly lazy = new Set<string>();
  /** Per dense weight given its gradient as rows: a reused host buffer [size] to scatter them into. */
  private readonly scattered = new Map<string, Float32Array>();

  constructor(private readonly weights: ReadonlyMap<string, tf.Variable>, options: AdamOptions = {}) {
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.98;
    this.epsilon = options.epsilon ?? 1e-8;
    this.denseUpdate = options.denseUpdate ?? (writesInPlace() ? 'host' : 'kernels');
    if (this.denseUpdate === 'host' && !writesInPlace())
      throw new Error(`Adam: denseUpdate 'host' needs the cpu or wasm backend, not ${tf.getBackend()}`);
    for (const name of options.lazy ?? []) {
      const w = weights.get(name);
      if (w === undefined) throw new Error(`Adam: lazy weight '${name}' is not a weight`);
      if (w.rank !== 2)
        throw new Error(`Adam: lazy weight '${name}' must be a [rows, d] table, has shape [${w.shape}]`);
      this.lazy.add(name);
    }
    for (const [name, w] of weights) {
      if (this.lazy.has(name) || this.denseUpdate === 'host') {
        this.hostMoments.set(name, { m: new Float32Array(w.size), v: new Float32Array(w.size) });
        continue;
      }
      // tidy: the zeros are the variables' storage; their own tensor handles are not kept.
      this.m.set(
        name,
        tf.tidy(() => tf.variable(tf.zerosLike(w), false)),
      );
      this.v.set(
        name,
        tf.tidy(() => tf.variable(tf.zerosLike(w), false)),
      );
    }
  }

  /** True when `name` is updated by lazy Adam (its gradient comes as rows). */
  isLazy(name: string): boolean {
    return this.lazy.has(name);
  }

  /**
   * Applies one update with learning rate `lr`. `grads` is keyed by weight name; missing = 0.
   * A lazy weight takes its gradient from `rows` (missing = no row touched); a dense gradient
   * given for it is refused. A dense [rows, d] weight may take its gradient from `rows` instead of
   * `grads` (the rows not given are 0), never from both.
   */
  apply(
    grads: ReadonlyMap<string, DenseGradient>,
    lr: number,
    rows: ReadonlyMap<string, RowGradient> = new Map(),
  ): void {
    for (const [name, grad] of grads) {
      if (this.lazy.has(name)) throw new Error(`Adam: '${name}' is lazy: pass its gradient as rows`);
      const w = this.weights.get(name);
      if (w === undefined) throw new Error(`Adam: gradient for '${name}', which is not a weight`);
      const size = grad instanceof Float32Array ? grad.length : grad.size;
      if (size !== w.size) throw new Error(`Adam: gradient for '${name}' has ${size} values, the weight ${w.size}`);
    }
    for (const [name, grad] of rows) {
      const w = this.weights.get(name);
      if (w === undefined) throw new Error(`Adam: row gradient for '${name}', which is not a weight`);
      if (w.rank !== 2) throw new Error(`Adam: row gradient for '${name}', which is not a [rows, d] table`);
      if (grads.has(name)) throw new Error(`Adam: '${name}' has both a dense and a row gradient`);
      checkRowGradient(grad, w.shape[0] as number, w.shape[1] as number);
    }
    this.step += 1;
    const settings = { lr, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, step: this.step };
    const dense = new Map(grads);
    for (const [name, grad] of rows) if (!this.lazy.has(name)) dense.set(name, this.scatter(name, grad));
    if (this.denseUpdate === 'host') {
      for (const [name, grad] of dense) {
        const w = this.weights.get(name) as tf.Variable;
        const g = grad instanceof Float32Array ? grad : (grad.dataSync() as Float32Array);
        const { m, v } = this.hostMoments.get(name) as { m: Float32Array; v: Float32Array };
        writeVariableRows(w, (values) => adamSpan(values, m, v, 0, g, 0, w.size, settings));
      }
    } else {
      this.applyKernels(dense, settings);
    }
    for (const [name, grad] of rows) {
      if (!this.lazy.has(name)) continue;
      const w = this.weights.get(name) as tf.Variable;
      const { m, v } = this.hostMoments.get(name) as { m: Float32Array; v: Float32Array };
      writeVariableRows(w, (values) => lazyAdamRows(values, m, v, w.shape[1] as number, grad, settings));
    }
  }

  /** The dense gradient [size] of a [rows, d] weight whose nonzero rows are `grad` (a reused buffer). */
  private scatter(name: string, grad: RowGradient): Float32Array {
    const w = this.weights.get(name) as tf.Variable;
    const d = w.shape[1] as number;
    let values = this.scattered.get(name);
    if (values === undefined) this.scattered.set(name, (values = new Float32Array(w.size)));
    else values.fill(0);
    grad.ids.forEach((row, k) => (values as Float32Array).set(grad.values.subarray(k * d, (k + 1) * d), row * d));
    return values;
  }

  /** The dense update as tf ops (float32), for backends whose storage the host cannot write. */
  private applyKernels(grads: ReadonlyMap<string, DenseGradient>, s: { lr: number; step: number }): void {
    const { beta1: b1, beta2: b2, epsilon: eps } = this;
    const bc1 = 1 - Math.pow(b1, s.step);
    const bc2 = 1 - Math.pow(b2, s.step);
    tf.tidy(() => {
      for (const [name, grad] of grads) {
        const w = this.weights.get(name) as tf.Variable;
        const g = grad instanceof Float32Array ? tf.tensor(grad, w.shape, 'float32') : grad;
        const m = this.m.get(name) as tf.Variable;
        const v = this.v.get(name) as tf.Variable;
        const newM = tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1));
        const newV = tf.add(tf.mul(v, b2), tf.mul(tf.square(g), 1 - b2));
        m.assign(newM);
        v.assign(newV);
        const denom = tf.add(tf.sqrt(tf.div(newV, bc2)), eps);
        w.assign(tf.sub(w, tf.mul(tf.div(newM, denom), s.lr / bc1)));
      }
    });
  }

  /** Downloads the state (used by checkpoints). */
  async getState(): Promise<AdamState> {
    const moments: AdamState['moments'] = new Map();
    for (const [name, w] of this.weights) {
      const host = this.hostMoments.get(name);
      if (host !== undefined) {
        moments.set(name, { shape: w.shape.slice(), m: host.m.slice(), v: host.v.slice() });
        continue;
      }
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
    for (const [name, w] of this.weights) {
      const saved = state.moments.get(name);
      if (saved === undefined) throw new Error(`optimizer state has no moments for weight '${name}'`);
      if (saved.shape.join(',') !== w.shape.join(',')) {
        throw new Error(`optimizer state for '${name}' has shape [${saved.shape}], the weight has [${w.shape}]`);
      }
      const host = this.hostMoments.get(name);
      if (host !== undefined) {
        host.m.set(saved.m);
        host.v.set(saved.v);
        continue;
      }
      const m = this.m.get(name) as tf.Variable;
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
    this.hostMoments.clear();
    this.scattered.clear();
    this.lazy.clear();
  }
}
