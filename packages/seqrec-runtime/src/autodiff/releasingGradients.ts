/**
 * tfjs's `engine.gradients` (behind `tf.grads`, `tf.variableGrads`, `optimizer.minimize`), but
 * releasing memory as the backward pass goes instead of at its end.
 *
 * The stock backward pass (tfjs-core 4.22 `backpropagateGradients`) keeps every intermediate
 * gradient, every partial sum it accumulated and every tensor the forward pass saved until the
 * whole backward pass has finished, and a `tf.customGrad` gradient's temporaries too. At
 * SASRec d 256, 3 blocks, 64 rows of 200 (one data-parallel shard of batch 128) that was 2 GB of
 * the step's 3.3 GB peak wasm heap, and the heap never shrinks. Here, once a tape node has
 * been differentiated, the gradients of its outputs and its saved tensors are freed, and so is
 * an addend once it has been summed: the peak is then what the forward pass saved plus one
 * node's working set.
 *
 * Ownership rule that makes freeing safe: every gradient held in the map is a tensor created
 * by this backward pass and held by nothing else. A gradient function that hands back a tensor
 * that existed before (a saved tensor, the caller's `dy`) or that is already held (the same
 * tensor returned for two inputs, or `dy` passed through) is stored as a clone; a clone shares
 * the storage (the wasm `Identity` of @seqrec/runtime, or the cpu backend's), so it costs no copy.
 *
 * Uses tfjs-core internals (the engine's tape, `scopedRun`, `startTape`/`endTape`), so it is
 * installed only after a self-test against the stock implementation (releasingGradientsSelfTest.ts)
 * and only for first-order gradients: a nested (higher-order) call runs the stock code.
 */
import { tf } from '../tf';
import { filterTape, type TapeNode } from './filterTape';

type Gradients = (
  f: () => tf.Tensor,
  xs: tf.Tensor[],
  dy?: tf.Tensor,
  allowNoGradients?: boolean,
) => { value: tf.Tensor; grads: tf.Tensor[] };

/** The engine members used here (tfjs-core 4.22 `Engine`, internal). */
export interface GradientEngine {
  gradients: Gradients;
  scopedRun<T>(start: () => void, end: () => void, f: () => T): T;
  startTape(): void;
  endTape(): void;
  tidy<T extends tf.TensorContainer>(name: string | (() => T), f?: () => T): T;
  state: { activeTape: TapeNode[] | null; gradientDepth: number };
}

/** The engine's tensor id counter (ids only grow): tensors with smaller ids existed before. */
function nextTensorId(engine: GradientEngine): number {
  return (engine.constructor as unknown as { nextTensorId: number }).nextTensorId;
}

/** True when `engine` has every member `releasingGradients` relies on. */
export function hasGradientInternals(engine: unknown): engine is GradientEngine {
  const e = engine as Partial<GradientEngine> | null;
  return (
    e != null &&
    typeof e.gradients === 'function' &&
    typeof e.scopedRun === 'function' &&
    typeof e.startTape === 'function' &&
    typeof e.endTape === 'function' &&
    typeof e.tidy === 'function' &&
    typeof e.state === 'object' &&
    e.state !== null &&
    typeof e.state.gradientDepth === 'number' &&
    typeof nextTensorId(e as GradientEngine) === 'number'
  );
}

/** A drop-in replacement of `engine.gradients`; `stock` runs nested (higher-order) calls. */
export function releasingGradients(stock: Gradients): Gradients {
  return function (this: GradientEngine, f, xs, dy, allowNoGradients = false) {
    if (this.state.gradientDepth > 0) return stock.call(this, f, xs, dy, allowNoGradients);
    if (xs.length === 0) throw new Error('gradients() received an empty list of xs.');
    if (dy != null && dy.dtype !== 'float32') throw new Error(`dy must have 'float32' dtype, but has '${dy.dtype}'`);
    const y = this.scopedRun(
      () => this.startTape(),
      () => this.endTape(),
      () => this.tidy('forward', f),
    );
    if (!(y instanceof tf.Tensor)) throw new Error('The result y returned by f() must be a tensor.');
    const tape = filterTape(this.state.activeTape ?? [], xs, y);
    if (!allowNoGradients && tape.length === 0)
      throw new Error(
        'Cannot compute gradient of y=f(x) with respect to x. Make sure that the f you passed encloses all ' +
          'operations that lead from x to y.',
      );
    return this.tidy('backward', () => {
      const firstNew = nextTensorId(this);
      const grads = new Map<number, tf.Tensor>(); // tensor id -> its gradient so far
      const held = new Set<tf.Tensor>(); // the map's values
      const own = (t: tf.Tensor): tf.Tensor => (t.id < firstNew || held.has(t) ? t.clone() : t);
      const hold = (id: number, t: tf.Tensor) => {
        grads.set(id, t);
        held.add(t);
      };
      const release = (t: tf.Tensor) => {
        if (!held.has(t) && t !== dy && t.id >= firstNew) t.dispose();
      };
      hold(y.id, dy ?? tf.ones(y.shape));
      for (let i = tape.length - 1; i >= 0; i--) {
        const node = tape[i] as TapeNode;
        const dys = node.outputs.map((o) => grads.get(o.id) ?? null);
        if (node.gradient == null)
          throw new Error(`Cannot compute gradient: gradient function not found for ${node.kernelName}.`);
        // One scope for the node: a custom gradient's temporaries (made when node.gradient
        // runs, outside the per-input closures) are freed with it, not at the end.
        const inputGrads = this.tidy(() => {
          const gradientOf = (node.gradient as NonNullable<TapeNode['gradient']>)(dys);
          const out: Record<string, tf.Tensor> = {};
          for (const name in node.inputs) {
            if (!(name in gradientOf))
              throw new Error(
                `Cannot backprop through input ${name}. Available gradients found: ${Object.keys(gradientOf)}.`,
              );
            out[name] = (gradientOf[name] as () => tf.Tensor)();
          }
          return out;
        });
        const done: tf.Tensor[] = []; // freed once every input gradient of this node exists
        for (const name in node.inputs) {
          const dx = inputGrads[name] as tf.Tensor;
          const x = node.inputs[name] as tf.Tensor;
          if (dx.dtype !== 'float32')
            throw new Error(
              `Error in gradient for op ${node.kernelName}. The gradient of input ${name} must have 'float32' dtype, but has '${dx.dtype}'`,
            );
          if (!tf.util.arraysEqual(dx.shape, x.shape))
            throw new Error(
              `Error in gradient for op ${node.kernelName}. The gradient of input '${name}' has shape '${dx.shape}', which does not match the shape of the input '${x.shape}'`,
            );
          const sum = grads.get(x.id);
          if (sum === undefined) {
            hold(x.id, own(dx));
          } else {
            held.delete(sum);
            hold(x.id, tf.add(sum, dx));
            done.push(sum, dx);
          }
        }
        for (const output of node.outputs) {
          const g = grads.get(output.id);
          if (g === undefined) continue;
          grads.delete(output.id);
          held.delete(g);
          done.push(g);
        }
        for (const t of done) release(t);
        for (const t of node.saved ?? []) t.dispose();
      }
      const result = xs.map((x) => grads.get(x.id) as tf.Tensor);
      for (const node of this.state.activeTape ?? []) for (const t of node.saved ?? []) t.dispose();
      this.state.activeTape = null;
      return { value: y, grads: result };
    });
  };
}
