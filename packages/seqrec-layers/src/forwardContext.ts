/**
 * What a forward pass needs besides tensors: whether it trains (dropout on) and where dropout
 * seeds come from. Seeds come from a counter so that a run is reproducible and resumable: the
 * counter is the whole random state of the model (see SeedSequence).
 */
export interface ForwardContext {
  /** Dropout is applied only when true. */
  training: boolean;
  /** Returns a fresh seed for each random op; called only when training. */
  nextSeed: () => number;
  /**
   * Index of this batch's first row in the whole batch, when a data-parallel worker computes
   * a shard of it; per-row dropout masks then match the unsharded batch. Default 0.
   */
  rowOffset?: number;
}

export const INFERENCE: ForwardContext = {
  training: false,
  nextSeed: () => {
    throw new Error('nextSeed called in inference mode');
  },
};

/**
 * A reproducible stream of 32-bit seeds: seed i is splitmix32(base + i). Its state is one
 * integer (the count), so checkpoints store it as a number.
 */
export class SeedSequence {
  private count = 0;

  constructor(readonly base: number) {}

  next(): number {
    let z = (this.base + Math.imul(this.count++, 0x9e3779b9)) | 0;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  }

  getState(): number {
    return this.count;
  }

  setState(count: number): void {
    this.count = count;
  }
}
