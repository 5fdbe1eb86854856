/**
 * Batch scoring: the top-K of every user (or of one `--shard`) as JSON lines
 * `{"user","items","scores"}` (raw ids, best first), computed in batched forward passes and
 * written as they come to a temp file beside the output, so memory does not grow with the
 * number of users. The output is renamed into place only when complete, after a sidecar
 * manifest (`FILE.manifest.json`: model, k, shard, byte count and sha256) that makes a rerun
 * with the same inputs a no-op and tells seqrec's own outputs from files it must not replace.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { userHistory, type UserSplit, type Vocabulary } from '@seqrec/data';
import { recommend, type SequentialRecommender } from '@seqrec/models';
import { writeFileAtomic } from '@seqrec/files';
import { UsageError } from './errors';
import { shardUsers, type Shard } from './shard';

export const MANIFEST_SUFFIX = '.manifest.json';

export interface RecommendAllInputs {
  model: SequentialRecommender;
  vocab: Vocabulary;
  users: readonly UserSplit[];
  /** Identifies the model's weights (a hash): a new model means new outputs. */
  modelId: string;
  k: number;
  shard: Shard;
  /** Users per forward pass. */
  batchSize: number;
  out: string;
}

/** What the manifest records about the inputs; equal inputs = same output. */
interface ManifestInputs {
  kind: 'seqrec-recommend-all';
  version: 1;
  model: string;
  k: number;
  shard: string;
  users: number;
}

interface Manifest extends ManifestInputs {
  lines: number;
  bytes: number;
  sha256: string;
}

export interface RecommendAllResult {
  /** True when a finished output with the same inputs was already there. */
  alreadyDone: boolean;
  lines: number;
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function readManifest(file: string): Promise<Manifest | null> {
  const text = await fsp.readFile(file, 'utf8').catch(() => null);
  if (text === null) return null;
  try {
    return JSON.parse(text) as Manifest;
  } catch {
    return null;
  }
}

/** Whether `out` is the finished output of these inputs; a UsageError if seqrec did not write it. */
async function isFinished(out: string, inputs: ManifestInputs): Promise<boolean> {
  const stat = await fsp.stat(out).catch(() => null);
  const manifest = await readManifest(out + MANIFEST_SUFFIX);
  if (stat === null) return false;
  if (manifest === null || manifest.kind !== inputs.kind)
    throw new UsageError(
      `--out ${out} exists and was not written by seqrec recommend --all (no ${path.basename(
        out,
      )}${MANIFEST_SUFFIX}); ` + 'move it away or choose another --out',
    );
  const same = (Object.keys(inputs) as (keyof ManifestInputs)[]).every((key) => manifest[key] === inputs[key]);
  return same && stat.size === manifest.bytes && (await sha256File(out)) === manifest.sha256;
}

export async function recommendAll(o: RecommendAllInputs): Promise<RecommendAllResult> {
  const { first, end } = shardUsers(o.users.length, o.shard);
  const inputs: ManifestInputs = {
    kind: 'seqrec-recommend-all',
    version: 1,
    model: o.modelId,
    k: o.k,
    shard: `${o.shard.index}/${o.shard.count}`,
    users: o.users.length,
  };
  if (await isFinished(o.out, inputs)) return { alreadyDone: true, lines: end - first };
  const dir = path.dirname(o.out);
  const tmp = path.join(dir, `.${path.basename(o.out)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await fsp.open(tmp, 'w').catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`--out ${o.out}: cannot write there (${error.code ?? error.message})`);
  });
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    for (let start = first; start < end; start += o.batchSize) {
      const batch = o.users.slice(start - 1, Math.min(end, start + o.batchSize) - 1);
      const recs = await recommend(o.model, batch.map(userHistory), o.k);
      const text = recs
        .map((rec, i) =>
          JSON.stringify({
            user: o.vocab.rawUser((batch[i] as UserSplit).user),
            items: Array.from(rec.items, (id) => o.vocab.rawItem(id)),
            scores: Array.from(rec.scores),
          }),
        )
        .join('\n');
      const chunk = Buffer.from(text + '\n', 'utf8');
      hash.update(chunk);
      bytes += chunk.length;
      await handle.write(chunk);
    }
    await handle.sync();
    await handle.close();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await fsp.rm(tmp, { force: true });
    throw error;
  }
  // Manifest first: a crash before the rename leaves a manifest whose sha256 the old (or
  // missing) output does not match, so the next run redoes the work.
  const manifest: Manifest = { ...inputs, lines: end - first, bytes, sha256: hash.digest('hex') };
  try {
    await writeFileAtomic(o.out + MANIFEST_SUFFIX, JSON.stringify(manifest, null, 2) + '\n');
    await fsp.rename(tmp, o.out);
  } catch (error) {
    await fsp.rm(tmp, { force: true });
    throw error;
  }
  return { alreadyDone: false, lines: end - first };
}
