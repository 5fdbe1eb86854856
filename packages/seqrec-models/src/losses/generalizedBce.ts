/**
 * gSASRec's generalised binary cross-entropy (Petrov & Macdonald, "gSASRec: Reducing
 * Overconfidence in Sequential Recommendation Trained with Negative Sampling", RecSys 2023, §4):
 *
 *   alpha = N / (V - 1)                                   (negative sampling rate)
 *   beta  = alpha * (t * (1 - 1/alpha) + 1/alpha)         (t in [0, 1]: calibration)
 *   loss  = -1/(N+1) * ( log sigmoid(s+)^beta + sum_j log(1 - sigmoid(s_j)) )
 *
 * t = 0 gives beta = 1 (plain BCE over N negatives); t = 1 gives beta = alpha, whose predicted
 * probabilities are calibrated to the full catalogue. Every target position has its own N
 * uniform negatives, as in the paper (drawn by @seqrec/train's StepNegativeSampler). An
 * accidental hit (a negative equal to the position's target) is left out of that position's sum.
 * The loss is the mean over target positions.
 *
 * The negatives' rows are M*N*d floats (19k x 256 x 50 = 1 GB for one ML-1M batch), so, as for
 * `ce` (fullCrossEntropy.ts), the loss is a custom gradient over chunks of positions: each
 * chunk gives its logits, loss and gradient at once and frees them, and the backward pass only
 * scales the gradient by dy. With s the logits, sigma the sigmoid and w_j = sigma(s_j) (0 for a
 * hit), the sum of the position losses has
 *   d/d s+ = -beta * sigma(-s+),   d/d s_j = w_j
 *   d/d features[m] = -beta sigma(-s+) item_emb[target] + sum_j w_j item_emb[neg_j]
 *   d/d item_emb    = scatter-add of those per-logit weights times features[m]
 * Two ways to compute a chunk, the same numbers:
 * - `gather`: gather the R*N negative rows, R*N dot products, scatter-add the gradient back;
 *   memory-bound work in R*N*d, whatever the catalogue's size.
 * - `logits`: the logits of every item, [R, d] x [d, V] (as ce), read at the drawn cells; the
 *   loss and the per-logit weights are computed on the host at those cells only, and the gradient
 *   is two more [R, V] x d products of the dense, mostly-zero weights. Compute-bound matrix
 *   products in R*V*d: faster while V is within some tens of N. The host work makes it a
 *   synchronous read per chunk (cheap on wasm and cpu, a stall on webgl).
 *
 * Letters: M target positions, R positions per chunk, N negatives per position, d hidden, V items.
 */
import { tf } from '@seqrec/runtime';

/** Floats of one chunk's gathered negative rows ([R, N, d]) at most: 16 MB of float32. */
export const GBCE_CHUNK_FLOATS = 1 << 22;

/** gSASRec's beta for N negatives out of V items with calibration t (paper §4, eq. for beta). */
export function gbceBeta(numNegatives: number, numItems: number, t: number): number {
  const alpha = numNegatives / (numItems - 1);
  return alpha * (t * (1 - 1 / alpha) + 1 / alpha);
}

/** How a chunk of positions is computed (the module comment): same numbers, different cost. */
export type GbceRoute = 'gather' | 'logits';

/** `logits` while the table has at most this many rows per negative (measured: docs/PERFORMANCE.md "Losses"). */
export const GBCE_LOGITS_MAX_ROWS_PER_NEGATIVE = 32;

/** The faster route for a table of `tableRows` rows and N negatives per position. */
export function gbceRoute(tableRows: number, numNegatives: number): GbceRoute {
  return tableRows <= GBCE_LOGITS_MAX_ROWS_PER_NEGATIVE * numNegatives ? 'logits' : 'gather';
}

/**
 * features [M, d], targets [M], table [rows, d], negatives [M, N] (ids into the table) -> scalar
 * mean over positions of (beta * softplus(-s+) + sum_j softplus(s_j)) / (N + 1). Differentiable
 * in `features` and `table`. Call inside a tidy.
 */
export function generalizedBceLoss(
  features: tf.Tensor2D,
  targets: tf.Tensor1D,
  table: tf.Tensor2D,
  negatives: tf.Tensor2D,
  beta: number,
  options: { route?: GbceRoute; chunkFloats?: number } = {},
): tf.Scalar {
  const [M, N] = negatives.shape;
  const [tableRows, d] = table.shape;
  const route = options.route ?? gbceRoute(tableRows, N);
  const chunkFloats = options.chunkFloats ?? GBCE_CHUNK_FLOATS;
  const R = Math.max(1, Math.floor(chunkFloats / (route === 'gather' ? N * d : tableRows)));

  // customGrad's typing passes the save function among the inputs: (features, table, save).
  const loss = tf.customGrad(((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [rows, w, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc]; // [M, d], [rows, d]
    // The positive term, every position at once.
    const positiveRows = tf.gather(w, targets); // [M, d]
    const positiveLogits = tf.sum(tf.mul(rows, positiveRows), 1); // [M]
    let total: tf.Tensor = tf.mul(beta, tf.sum(tf.softplus(tf.neg(positiveLogits)))); // scalar
    const positiveWeight = tf.mul(-beta, tf.sigmoid(tf.neg(positiveLogits))).expandDims(1); // [M, 1]
    const rowGrads: tf.Tensor[] = [];
    // The logits route reads the draws on the host (a small int tensor), and works there on them.
    const host: HostDraws | null =
      route === 'logits'
        ? { ids: negatives.dataSync() as Int32Array, targets: targets.dataSync() as Int32Array, N }
        : null;
    let tableGrad: tf.Tensor = tf.unsortedSegmentSum(tf.mul(rows, positiveWeight), targets, tableRows); // [rows, d]
    for (let start = 0; start < M; start += R) {
      const size = Math.min(R, M - start);
      const [chunkLoss, rowGrad, nextTable] = tf.tidy(() => {
        const chunkRows = rows.slice([start, 0], [size, d]); // [R, d]
        if (route === 'logits') {
          // Read whole: tfjs's gather of the drawn cells costs more than the copy (wasm, cpu).
          const logits = tf.matMul(chunkRows, w, false, true).dataSync(); // [R * rows]
          const cells = drawnCells(host as HostDraws, start, size, tableRows);
          // The loss and d loss-sum / d logit at the drawn cells, on the host: the dense weight
          // matrix is zero elsewhere (an item drawn twice for a position gets twice the weight).
          // softplus(x) = max(x, 0) + log(1 + e), sigmoid(x) = (x > 0 ? 1 : e) / (1 + e), e = exp(-|x|);
          // the logs are summed as the log of products of up to 32 factors in [1, 2] (one
          // Math.log per 32 draws: the host loop's cost is its transcendental calls).
          const weight = new Float32Array(size * tableRows); // [R, rows]
          let negativeLoss = 0;
          let product = 1;
          for (let k = 0; k < cells.length; k++) {
            const cell = cells[k] as number;
            const x = logits[cell] as number;
            const e = Math.exp(-Math.abs(x));
            product *= 1 + e;
            if ((k & 31) === 31) {
              negativeLoss += Math.log(product);
              product = 1;
            }
            if (x > 0) negativeLoss += x;
            weight[cell] = (weight[cell] as number) + (x > 0 ? 1 : e) / (1 + e);
          }
          negativeLoss += Math.log(product);
          const weights = tf.tensor2d(weight, [size, tableRows]);
          return [
            tf.scalar(negativeLoss),
            tf.matMul(weights, w), // [R, d]
            tf.add(tableGrad, tf.matMul(weights, chunkRows, true, false)), // [rows, d]
          ];
        }
        const ids = negatives.slice([start, 0], [size, N]); // [R, N]
        const target = targets.slice([start], [size]).expandDims(1); // [R, 1]
        const kept = tf.cast(tf.notEqual(ids, target), 'float32'); // [R, N]
        const flat = ids.reshape([size * N]) as tf.Tensor1D; // [R*N]
        const negativeRows = tf.gather(w, flat).reshape([size, N, d]); // [R, N, d]
        const logits = tf.matMul(negativeRows, chunkRows.expandDims(2)).reshape([size, N]); // [R, N]
        const weight = tf.mul(tf.sigmoid(logits), kept); // [R, N]: d loss-sum / d logit
        const perLogit = tf.mul(chunkRows.expandDims(1), weight.expandDims(2)).reshape([size * N, d]); // [R*N, d]
        return [
          tf.sum(tf.mul(tf.softplus(logits), kept)),
          tf.matMul(weight.expandDims(1), negativeRows).reshape([size, d]), // [R, d]
          tf.add(tableGrad, tf.unsortedSegmentSum(perLogit, flat, tableRows)), // [rows, d]
        ];
      });
      total = tf.add(total, chunkLoss as tf.Tensor);
      rowGrads.push(rowGrad as tf.Tensor);
      tableGrad.dispose();
      tableGrad = nextTable as tf.Tensor;
    }
    const denominator = Math.max(M, 1) * (N + 1);
    const value = tf.div(total, denominator) as tf.Scalar;
    const negativeRowGrad = rowGrads.length === 1 ? (rowGrads[0] as tf.Tensor) : tf.concat(rowGrads, 0); // [M, d]
    const featureGrad = tf.add(negativeRowGrad, tf.mul(positiveRows, positiveWeight)); // [M, d]
    save([featureGrad, tableGrad]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
      const [savedFeatures, savedTable] = saved as [tf.Tensor2D, tf.Tensor2D];
      const scale = tf.div(dy, denominator);
      return [tf.mul(savedFeatures, scale), tf.mul(savedTable, scale)];
    };
    return { value, gradFunc };
  }) as Parameters<typeof tf.customGrad>[0]);
  return loss(features, table) as tf.Scalar;
}

interface HostDraws {
  /** [M*N] negative ids, row-major. */
  ids: Int32Array;
  /** [M] target ids. */
  targets: Int32Array;
  N: number;
}

/** The flat cells r * rows + id of the kept draws (hits left out) of positions [start, start + size). */
function drawnCells(host: HostDraws, start: number, size: number, tableRows: number): Int32Array {
  const { ids, targets, N } = host;
  const cells = new Int32Array(size * N);
  let kept = 0;
  for (let r = 0; r < size; r++) {
    const target = targets[start + r] as number;
    for (let j = (start + r) * N; j < (start + r + 1) * N; j++) {
      const id = ids[j] as number;
      if (id !== target) cells[kept++] = r * tableRows + id;
    }
  }
  return cells.subarray(0, kept);
}
