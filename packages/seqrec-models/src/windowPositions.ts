/**
 * Window positions of a batch (shared/spec/MODEL.md §Inputs): the newest item of every user is
 * at position `maxlen`, the one before it at `maxlen - 1`, and so on; padding is 0.
 *
 * One user per row: column t has position `t + 1 + (maxlen - T)`. In a packed row (several users
 * side by side, `segments` numbering each column's user slot, 0 = padding) each user's positions
 * count back from its own last column, so a user gets the positions it would have in a row of its
 * own. Built in JavaScript: integers that need no gradient.
 *
 * seq: [B, T] int32 ids; segments: [B, T] int32 slots or null -> [B, T] int32 positions.
 */
import { tf } from '@seqrec/runtime';

export function windowPositions(seq: tf.Tensor2D, segments: tf.Tensor2D | null, maxlen: number): tf.Tensor2D {
  const [B, T] = seq.shape;
  const ids = seq.dataSync();
  const slots = segments?.dataSync() ?? null;
  const positions = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    let position = maxlen + 1;
    for (let t = T - 1; t >= 0; t--) {
      const at = b * T + t;
      // A new user starts (reading right to left) where the slot changes.
      if (slots !== null && t < T - 1 && slots[at] !== slots[at + 1]) position = maxlen + 1;
      position -= 1;
      positions[at] = ids[at] === 0 ? 0 : Math.max(position, 1);
    }
  }
  return tf.tensor2d(positions, [B, T], 'int32');
}
