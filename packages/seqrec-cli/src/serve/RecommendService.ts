/**
 * The service's recommendation logic, independent of HTTP: a request body (raw ids) becomes a
 * history of dense ids on the model current at arrival, joins the next micro-batch, and comes
 * back as raw item ids with scores. Top-K and history exclusion: `scoreRequests` (via
 * ServedModel.score, on a scoring thread or on this one), on @seqrec/models' `recommend` and
 * `topKExcluding`.
 */
import { userHistory } from '@seqrec/data';
import type { Recommendation } from '@seqrec/models';
import { MicroBatcher, type BatchingStats, type MicroBatcherOptions } from './MicroBatcher';
import type { ModelSlot } from './ModelSlot';
import type { ScoringRequest } from './scoreRequests';
import type { ServedModel } from './ServedModel';

type RawId = string | number;

export interface RecommendBody {
  user?: RawId;
  items?: RawId[];
  timestamps?: number[];
  k?: number;
  exclude?: RawId[];
}

export interface RecommendResponse {
  model_id: string;
  items: { item: string; score: number }[];
}

export const DEFAULT_K = 10;
export const MAX_K = 1000;

/** A request the service cannot answer: HTTP `status`, and the body field at fault. */
export class RequestError extends Error {
  override readonly name = 'RequestError';
  constructor(readonly status: number, readonly field: string, message: string) {
    super(message);
  }
}

interface Job {
  served: ServedModel;
  request: ScoringRequest;
  k: number;
}

export class RecommendService {
  private readonly batcher: MicroBatcher<Job, Recommendation>;

  /** `batching.concurrency` should be the served model's (its scoring threads). */
  constructor(private readonly slot: ModelSlot, batching: MicroBatcherOptions) {
    this.batcher = new MicroBatcher((jobs) => runJobs(jobs), batching);
  }

  get batching(): BatchingStats {
    return this.batcher.stats;
  }

  async recommend(body: RecommendBody): Promise<RecommendResponse> {
    const served = this.slot.acquire();
    try {
      const k = body.k ?? DEFAULT_K;
      const rec = await this.batcher.submit({ served, request: toRequest(served, body), k });
      return {
        model_id: served.description.model_id,
        items: Array.from(rec.items, (id, i) => ({ item: served.vocab.rawItem(id), score: rec.scores[i] as number })),
      };
    } finally {
      served.release();
    }
  }
}

/** One forward pass per distinct model in the batch (more than one only across a reload). */
async function runJobs(jobs: Job[]): Promise<Recommendation[]> {
  const results: Recommendation[] = new Array<Recommendation>(jobs.length);
  for (const served of new Set(jobs.map((j) => j.served))) {
    const rows = jobs.flatMap((j, i) => (j.served === served ? [i] : []));
    const k = Math.max(...rows.map((i) => (jobs[i] as Job).k));
    const recs = await served.score(
      rows.map((i) => (jobs[i] as Job).request),
      k,
    );
    rows.forEach((i, r) => {
      const rec = recs[r] as Recommendation;
      const own = (jobs[i] as Job).k;
      results[i] = { items: rec.items.subarray(0, own), scores: rec.scores.subarray(0, own) };
    });
  }
  return results;
}

/** Raw ids -> dense ids on `served`; a RequestError naming the field when that is impossible. */
function toRequest(served: ServedModel, body: RecommendBody): ScoringRequest {
  const { vocab } = served;
  if ((body.user === undefined) === (body.items === undefined))
    throw new RequestError(400, body.user === undefined ? 'items' : 'user', 'give exactly one of user or items');
  const exclude = (body.exclude ?? []).map((raw) => vocab.itemId(String(raw)) ?? 0);
  if (body.user !== undefined) {
    if (body.timestamps !== undefined)
      throw new RequestError(400, 'timestamps', 'timestamps go with items; a known user brings their own');
    const id = vocab.userId(String(body.user));
    const split = id === undefined ? undefined : served.users[id - 1];
    if (split === undefined) throw new RequestError(404, 'user', `user '${String(body.user)}' is not a known user`);
    return { ...userHistory(split), exclude, user: id as number };
  }
  const raws = body.items as RawId[];
  const items = Int32Array.from(raws, (raw, i) => {
    const id = vocab.itemId(String(raw));
    if (id === undefined) throw new RequestError(400, `items[${i}]`, `item '${String(raw)}' is not in the catalogue`);
    return id;
  });
  const times = body.timestamps;
  if (times !== undefined) {
    if (times.length !== raws.length)
      throw new RequestError(400, 'timestamps', `needs one timestamp per item (${raws.length}), got ${times.length}`);
    const at = times.findIndex((t, i) => i > 0 && t < (times[i - 1] as number));
    if (at > 0) throw new RequestError(400, `timestamps[${at}]`, 'timestamps must be ascending (oldest first)');
  } else if (served.time !== null) {
    throw new RequestError(400, 'timestamps', 'this model is time-aware (TiSASRec): give timestamps for the items');
  }
  return { items, times: served.time === null ? null : times ?? null, exclude };
}
