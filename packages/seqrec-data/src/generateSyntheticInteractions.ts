/**
 * generateSyntheticInteractions: the repo's small embedded default dataset (not licensed data).
 *
 * Learnable sequential structure: items are split into `clusters` groups, each with its own
 * successor cycle (a "path" through the group). A user belongs to one cluster and walks its path:
 * the next item is the current item's successor with probability ~followProbability, else a
 * random item of the cluster (2/3) or of the whole catalogue (1/3). Time matters too: short gaps
 * (below the user's own mean gap) follow the path more often than long ones, so a time-aware model
 * has something extra to learn. Deterministic given the options.
 */
import { type InteractionLog } from './InteractionLog';
import { Random } from './Random';

export interface SyntheticOptions {
  /** Number of users. Default 1000. */
  users?: number;
  /** Number of items. Default 500. */
  items?: number;
  /** Seed. Default 0. */
  seed?: number;
  /** Mean sequence length; lengths are uniform in [minLength, 2 * meanLength - minLength]. Default 30. */
  meanLength?: number;
  /** Shortest sequence. Default 5. */
  minLength?: number;
  /** Item groups with their own path. Default 8. */
  clusters?: number;
  /** Overall probability that the next item follows the path. Default 0.7. */
  followProbability?: number;
  /** Earliest timestamp (unix seconds). Default 1_600_000_000 (2020-09-13). */
  startTime?: number;
}

const DAY = 86400;

export function generateSyntheticInteractions(options: SyntheticOptions = {}): InteractionLog {
  const U = options.users ?? 1000;
  const V = options.items ?? 500;
  const seed = options.seed ?? 0;
  const meanLength = options.meanLength ?? 30;
  const minLength = options.minLength ?? 5;
  const K = Math.min(options.clusters ?? 8, V);
  const follow = options.followProbability ?? 0.7;
  const startTime = options.startTime ?? 1_600_000_000;
  if (!Number.isInteger(U) || U < 1 || !Number.isInteger(V) || V < 2)
    throw new RangeError('generateSyntheticInteractions: users >= 1 and items >= 2 must be integers');
  if (!(minLength >= 1 && meanLength >= minLength))
    throw new RangeError('generateSyntheticInteractions: need 1 <= minLength <= meanLength');
  if (!(follow >= 0 && follow <= 1))
    throw new RangeError('generateSyntheticInteractions: followProbability must be in [0, 1]');
  const rng = new Random(seed);

  // Clusters: a random partition of the items; successor[item] walks one cycle per cluster.
  const perm = rng.shuffle(Int32Array.from({ length: V }, (_, i) => i + 1));
  const clusterItems: Int32Array[] = [];
  const successor = new Int32Array(V + 1);
  for (let c = 0; c < K; c++) {
    const group = perm.subarray(Math.floor((c * V) / K), Math.floor(((c + 1) * V) / K));
    clusterItems.push(group);
    for (let k = 0; k < group.length; k++) successor[group[k]] = group[(k + 1) % group.length];
  }
  // Short gaps (probability 1 - 1/e under exponential gaps) follow more often than long ones,
  // with the mix averaging to `follow`.
  const pShort = 1 - Math.exp(-1);
  const followShort = Math.min(1, follow + 0.15);
  const followLong = Math.max(0, (follow - pShort * followShort) / (1 - pShort));

  const rawUsers: string[] = [];
  const rawItems: string[] = [];
  const times: number[] = [];
  const maxLength = Math.max(minLength, Math.round(2 * meanLength - minLength));
  for (let u = 1; u <= U; u++) {
    const group = clusterItems[rng.nextInt(K)];
    const length = minLength + rng.nextInt(maxLength - minLength + 1);
    // Per-user tempo: mean gap log-uniform between 10 minutes and 3 days.
    const meanGap = Math.exp(Math.log(600) + rng.nextFloat() * Math.log((3 * DAY) / 600));
    let t = startTime + rng.nextInt(365 * DAY);
    let item = group[rng.nextInt(group.length)];
    for (let k = 0; k < length; k++) {
      if (k > 0) {
        const gap = Math.max(1, Math.round(-meanGap * Math.log(1 - rng.nextFloat())));
        t += gap;
        const p = gap < meanGap ? followShort : followLong;
        if (rng.nextFloat() < p) item = successor[item];
        else if (rng.nextFloat() < 2 / 3) item = group[rng.nextInt(group.length)];
        else item = 1 + rng.nextInt(V);
      }
      rawUsers.push(String(u));
      rawItems.push(String(item));
      times.push(t);
    }
  }
  return {
    source: `synthetic(seed=${seed})`,
    format: 'sasrec',
    rawUsers,
    rawItems,
    timestamps: Float64Array.from(times),
  };
}
