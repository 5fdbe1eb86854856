/**
 * One loaded model of a train dir as the service uses it: the network, the id vocabulary, the
 * known users' histories and the model's description (`GET /v1/model`). Reference-counted, so a
 * reload can replace it while batches still run on it: it is disposed when the last one ends.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { UserSplit, Vocabulary } from '@seqrec/data';
import { timeSettings, type Recommendation, type SequentialRecommender } from '@seqrec/models';
import { tf, type BackendName } from '@seqrec/runtime';
import { openRun, reloadSplit } from '../trainDir';
import { ScoringPool } from './ScoringPool';
import { scoreRequests, type ScoringRequest } from './scoreRequests';
import { UserFeatureCache } from './UserFeatureCache';

export interface ServedModelOptions {
  /** Scoring threads (worker_threads, each with a copy of the model); 0 scores on the calling thread. Default 0. */
  threads?: number;
}

export interface ModelDescription {
  /** Changes with every (re)load: tells clients which model answered. */
  model_id: string;
  train_dir: string;
  checkpoint_dir: string;
  loaded_at: string;
  config: SequentialRecommender['config'];
  catalogue_size: number;
  known_users: number;
  time_aware: boolean;
  /** Epoch and validation metrics of the checkpoint, when it records them. */
  checkpoint: { epoch: number | null; best: unknown };
  /** Code and data the model was trained with (from args.json). */
  provenance: Record<string, unknown>;
}

const PROVENANCE_KEYS = ['seqrec_version', 'git_commit', 'git_dirty', 'dataset', 'dataset_path', 'seed'];

let loads = 0;

export class ServedModel {
  private refs = 1; // the holder's own reference
  private readonly cache: UserFeatureCache; // used when scoring here (no pool)

  private constructor(
    readonly model: SequentialRecommender,
    readonly vocab: Vocabulary,
    readonly users: readonly UserSplit[],
    readonly time: ReturnType<typeof timeSettings>,
    readonly description: ModelDescription,
    private readonly pool: ScoringPool | null,
  ) {
    this.cache = new UserFeatureCache(users.length, model.config.hiddenUnits);
  }

  /** Loads the best checkpoint of `trainDir` and its dataset (for known users' histories). */
  static async load(trainDir: string, options: ServedModelOptions = {}): Promise<ServedModel> {
    const run = await openRun(trainDir);
    try {
      const split = await reloadSplit(run);
      const model = run.checkpoint.model;
      const trainer = run.checkpoint.trainer;
      const provenance = Object.fromEntries(
        PROVENANCE_KEYS.filter((k) => run.args[k] !== undefined).map((k) => [k, run.args[k]]),
      );
      loads += 1;
      const description: ModelDescription = {
        model_id: `${process.pid}-${loads}-${Date.now().toString(36)}`,
        train_dir: path.resolve(trainDir),
        checkpoint_dir: path.resolve(run.checkpoint.dir),
        loaded_at: new Date().toISOString(),
        config: model.config,
        catalogue_size: model.config.numItems,
        known_users: split.users.length,
        time_aware: model.config.kind === 'tisasrec',
        checkpoint: { epoch: trainer?.epoch ?? null, best: trainer?.best ?? null },
        provenance,
      };
      const threads = options.threads ?? 0;
      const pool =
        threads === 0
          ? null
          : await ScoringPool.start(model, {
              threads,
              backend: tf.getBackend() as BackendName,
              users: split.users.length,
            });
      return new ServedModel(model, run.vocab, split.users, timeSettings(model.config), description, pool);
    } catch (error) {
      run.checkpoint.model.dispose();
      throw error;
    }
  }

  /** Top-`k` of each request as one batch: on a scoring thread when there are any, else here. */
  score(requests: ScoringRequest[], k: number): Promise<Recommendation[]> {
    if (this.pool !== null) return this.pool.score(requests, k);
    return scoreRequests(this.model, this.cache, requests, k);
  }

  /** Scoring workers replaced after a death (0 without threads). */
  get scoringRestarts(): number {
    return this.pool?.restarts ?? 0;
  }

  /** Batches that can compute at once (the scoring threads; 1 without). */
  get concurrency(): number {
    return this.pool?.size ?? 1;
  }

  /** Keeps the model alive until the matching {@link release}. */
  acquire(): this {
    if (this.refs === 0) throw new Error('ServedModel: acquired after disposal');
    this.refs += 1;
    return this;
  }

  release(): void {
    this.refs -= 1;
    if (this.refs > 0) return;
    this.model.dispose();
    void this.pool?.close();
  }
}

/** What identifies the files of `trainDir`'s best checkpoint: changes when a new one is swapped in. */
export async function bestCheckpointStamp(trainDir: string): Promise<string | null> {
  try {
    const s = await fsp.stat(path.join(trainDir, 'best', 'weights.bin'));
    return `${s.ino}:${s.size}:${s.mtimeMs}`;
  } catch {
    return null;
  }
}
