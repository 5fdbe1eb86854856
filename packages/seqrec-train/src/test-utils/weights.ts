/** Comparing two replicas' weights in the data-parallel and loss tests. */
import type { SequentialRecommender } from '@seqrec/models';
import type { tf } from '@seqrec/runtime';
import { largestDifference } from '@seqrec/test-utils';

/**
 * The attention key bias adds q.b to every score of a query, which softmax cancels: its exact
 * gradient is 0, and what autodiff returns is float rounding noise (~1e-10) whose value depends
 * on summation order. Adam divides by sqrt(v) + 1e-8, so that noise moves the bias by up to ~lr/20
 * differently in the two runs, with no effect on any output (the tests' losses stay equal).
 */
export const EXACT_ZERO_GRADIENT = /\.attn\.k\.bias$/;

/** Largest parameter difference, weights with an exactly-zero gradient left out. */
export function maxWeightDiff(a: SequentialRecommender, b: SequentialRecommender): number {
  let worst = 0;
  for (const [name, w] of a.weights) {
    if (EXACT_ZERO_GRADIENT.test(name)) continue;
    const other = b.weights.get(name) as tf.Variable;
    worst = Math.max(worst, largestDifference(w.dataSync(), other.dataSync()).value);
  }
  return worst;
}
