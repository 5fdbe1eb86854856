/**
 * datasetFingerprint: a content hash of a dataset as the model sees it (raw ids of the
 * vocabulary in id order, every user's item sequence and timestamps). Recorded at training and
 * compared by eval, recommend and resume: a file edited in place (items relabelled, lines
 * added) gives another fingerprint, a copy in another format the same one.
 */
import { createHash } from 'node:crypto';
import { type Dataset } from './buildDataset';

/** `sha256:<hex>` of the dataset's vocabulary and sequences. */
export function datasetFingerprint(dataset: Dataset): string {
  const hash = createHash('sha256');
  const { users, items } = dataset.vocab.toJSON();
  hash.update(`seqrec-dataset/1 users ${users.length} items ${items.length} time ${dataset.hasTimestamps}\n`);
  // JSON strings: ids may hold any character, so a plain join could make two vocabularies equal.
  hash.update(JSON.stringify(users));
  hash.update(JSON.stringify(items));
  for (const s of dataset.sequences) {
    hash.update(new Uint8Array(Int32Array.of(s.user, s.items.length).buffer));
    hash.update(new Uint8Array(s.items.buffer, s.items.byteOffset, s.items.byteLength));
    if (s.timestamps !== null)
      hash.update(new Uint8Array(s.timestamps.buffer, s.timestamps.byteOffset, s.timestamps.byteLength));
  }
  return `sha256:${hash.digest('hex')}`;
}
