/**
 * The newest-position features of known users, computed once per loaded model: a known user's
 * history is fixed for the model's lifetime (a reload brings a new model and a new cache), so
 * the forward pass over it (the expensive part of a recommendation) need not be repeated; what
 * stays per request is the catalogue product, the exclusions and the top-K.
 */
export class UserFeatureCache {
  private readonly rows: Float32Array; // [users + 1, d], row = dense user id
  private readonly present: Uint8Array; // [users + 1]

  constructor(users: number, readonly dim: number) {
    this.rows = new Float32Array((users + 1) * dim);
    this.present = new Uint8Array(users + 1);
  }

  has(user: number): boolean {
    return this.present[user] === 1;
  }

  /** The user's [d] features (a view: do not keep it across `set`). */
  get(user: number): Float32Array {
    if (!this.has(user)) throw new Error(`UserFeatureCache: user ${user} is not cached`);
    return this.rows.subarray(user * this.dim, (user + 1) * this.dim);
  }

  set(user: number, features: ArrayLike<number>): void {
    if (features.length !== this.dim)
      throw new Error(`UserFeatureCache: ${features.length} features, expected ${this.dim}`);
    this.rows.set(features, user * this.dim);
    this.present[user] = 1;
  }
}
