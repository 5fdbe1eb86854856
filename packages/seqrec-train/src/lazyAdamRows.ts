/**
 * Lazy ("sparse") Adam on the rows of a table that one step's gradient touches, the semantics of
 * TensorFlow's LazyAdamOptimizer and PyTorch's SparseAdam:
 *
 *   for each touched row r (gradient g_r, possibly all zeros):
 *     m_r = b1 m_r + (1 - b1) g_r;  v_r = b2 v_r + (1 - b2) g_r^2
 *     w_r -= lr * (m_r / (1 - b1^t)) / (sqrt(v_r / (1 - b2^t)) + eps)
 *   every other row: w, m and v unchanged.
 *
 * t is the optimizer's global step (1-based, counted once per update of any weight), as in both
 * references (TF keeps global beta powers; SparseAdam counts steps per parameter tensor, and the
 * table gets a gradient every step). How it differs from dense Adam (adam.ts): dense Adam also
 * updates a row whose gradient is zero, decaying m by b1 and v by b2 and moving the row by the
 * momentum it still has; lazy Adam leaves such a row, and its moments, as they were, so a row
 * untouched for k steps resumes with moments not decayed by b1^k / b2^k. The two agree exactly on
 * a step where every row is touched (and, for plain SGD, always: the update of an untouched row is 0).
 *
 * Arithmetic: float64 on the host, rounded to float32 on store (dense Adam runs float32 tf ops),
 * so equal inputs give results within float32 rounding of adam.ts's, not bit-identical ones.
 */

/** One step's gradient of a table, as rows. */
export interface RowGradient {
  /** [K] distinct row indices, each in [0, rows). */
  ids: Int32Array;
  /** [K * d] the gradient of row ids[k] at [k*d, (k+1)*d). */
  values: Float32Array;
}

export interface LazyAdamStep {
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** The global step t (>= 1) of the bias corrections. */
  step: number;
}

/** Throws unless `grad` is K distinct rows of a [rows, d] table with K * d values. */
export function checkRowGradient(grad: RowGradient, rows: number, d: number): void {
  const { ids, values } = grad;
  if (values.length !== ids.length * d)
    throw new Error(`lazy Adam: ${ids.length} rows of ${d} need ${ids.length * d} values, got ${values.length}`);
  const seen = new Set<number>();
  for (const row of ids) {
    if (!(row >= 0 && row < rows)) throw new Error(`lazy Adam: row ${row} is not in [0, ${rows - 1}]`);
    if (seen.has(row)) throw new Error(`lazy Adam: row ${row} appears twice`);
    seen.add(row);
  }
}

/** Applies one lazy Adam update in place to `w`, `m`, `v` (each [rows * d], row-major). */
export function lazyAdamRows(
  w: Float32Array,
  m: Float32Array,
  v: Float32Array,
  d: number,
  grad: RowGradient,
  s: LazyAdamStep,
): void {
  checkRowGradient(grad, w.length / d, d);
  const { ids, values } = grad;
  for (let k = 0; k < ids.length; k++) adamSpan(w, m, v, (ids[k] as number) * d, values, k * d, d, s);
}

/**
 * One Adam update, in place, of `count` consecutive values of `w`, `m`, `v` starting at `at`, from
 * the gradient `g[from .. from + count)`: a row of lazy Adam, or a whole weight of dense Adam on
 * the host (adam.ts). Float64 arithmetic, rounded to float32 on store.
 */
export function adamSpan(
  w: Float32Array,
  m: Float32Array,
  v: Float32Array,
  at: number,
  g: Float32Array,
  from: number,
  count: number,
  s: LazyAdamStep,
): void {
  const bc1 = 1 - Math.pow(s.beta1, s.step);
  const bc2 = 1 - Math.pow(s.beta2, s.step);
  const [b1, b2, eps] = [s.beta1, s.beta2, s.epsilon];
  const rate = s.lr / bc1;
  for (let j = 0, i = at, k = from; j < count; j++, i++, k++) {
    const gj = g[k] as number;
    m[i] = b1 * (m[i] as number) + (1 - b1) * gj;
    v[i] = b2 * (v[i] as number) + (1 - b2) * gj * gj;
    // m and v as stored (float32), as the kernel version of dense Adam computes from its stored moments
    w[i] = (w[i] as number) - (rate * (m[i] as number)) / (Math.sqrt((v[i] as number) / bc2) + eps);
  }
}
