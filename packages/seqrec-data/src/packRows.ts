/**
 * Packing users into rows (the `packed` batching of trainEpoch.ts): a batch's users are laid side
 * by side in rows of at most `capacity` positions, so a step spends almost no compute on
 * padding while its users are still drawn at random, independently of their length.
 *
 * The model keeps packed users apart (block-diagonal attention, per-user positions; see
 * @seqrec/models `SequenceBatch.segments`), so each user's features equal those of the same user
 * in a row of its own: packing changes what a step costs, not what it computes.
 */

/** Where one user of the batch goes: row, first column, and its slot (1-based) in the row. */
export interface PackedPlacement {
  row: number;
  column: number;
  slot: number;
}

export interface RowPacking {
  /** Rows of the batch (its B). */
  rows: number;
  /** Window length T: the fullest row, rounded up to 8, capped at maxlen. */
  length: number;
  /** Per user of the batch, in the order given. */
  placements: PackedPlacement[];
}

// The relative cost of a [rows, T] step, to choose the row capacity: a fixed part per step
// (kernel launches; on wasm about as much as 512 positions at d 50) plus a per-position part
// that grows with T (attention is T^2). Measured with one training step at d 50, 2 blocks,
// B 4..64, T 8..200; it only decides how rows are cut, never what a user's features are.
const STEP_OVERHEAD_POSITIONS = 512;
const ATTENTION_LENGTH_SCALE = 200;

/**
 * The compute of a training step of `rows` rows of `T` positions, in positions at T = 0 (d 50):
 * each position costs 1 + T / 200 (attention grows with T). Relative, for decisions about how
 * to lay out or split a step (here: the row width; @seqrec/train: whether to shard it).
 */
export function stepPositionCost(rows: number, T: number): number {
  return rows * T * (1 + T / ATTENTION_LENGTH_SCALE);
}

function stepCost(rows: number, T: number): number {
  return STEP_OVERHEAD_POSITIONS + stepPositionCost(rows, T);
}

function roundUp8(n: number, maxlen: number): number {
  return Math.min(maxlen, Math.max(8, Math.ceil(n / 8) * 8));
}

/**
 * First-fit decreasing into rows of `capacity` positions. Users are placed longest first (ties
 * in the order given); within a row, users sit in placement order, the row right-aligned
 * (left padding), so the row ends with real items as an unpacked row does.
 */
function firstFitDecreasing(lengths: ArrayLike<number>, capacity: number, maxlen: number): RowPacking {
  const order = Array.from({ length: lengths.length }, (_, i) => i).sort(
    (a, b) => (lengths[b] as number) - (lengths[a] as number) || a - b,
  );
  const fill: number[] = [];
  const members: number[][] = [];
  for (const user of order) {
    const n = lengths[user] as number;
    let row = fill.findIndex((used) => used + n <= capacity);
    if (row < 0) {
      row = fill.length;
      fill.push(0);
      members.push([]);
    }
    fill[row] = (fill[row] as number) + n;
    (members[row] as number[]).push(user);
  }
  const length = roundUp8(Math.max(1, ...fill), maxlen);
  const placements: PackedPlacement[] = new Array(lengths.length);
  members.forEach((users, row) => {
    let column = length - (fill[row] as number);
    users.forEach((user, i) => {
      placements[user] = { row, column, slot: i + 1 };
      column += lengths[user] as number;
    });
  });
  return { rows: fill.length, length, placements };
}

/**
 * Packs users of real lengths `lengths` (each 1..maxlen) into rows, choosing the row capacity
 * (a multiple of 8 from the longest user up to maxlen) of the cheapest step.
 */
export function packRows(lengths: ArrayLike<number>, maxlen: number): RowPacking {
  let longest = 1;
  for (let i = 0; i < lengths.length; i++) longest = Math.max(longest, lengths[i] as number);
  if (longest > maxlen) throw new RangeError(`packRows: a user of ${longest} positions exceeds maxlen ${maxlen}`);
  let best: RowPacking | null = null;
  let bestCost = Infinity;
  for (let capacity = roundUp8(longest, maxlen); ; capacity = Math.min(maxlen, capacity + 8)) {
    const packing = firstFitDecreasing(lengths, capacity, maxlen);
    const cost = stepCost(packing.rows, packing.length);
    if (cost < bestCost) [best, bestCost] = [packing, cost];
    if (capacity >= maxlen) break;
  }
  return best as RowPacking;
}
