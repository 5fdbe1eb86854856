/**
 * `seqrec convert ml-1m <ratings.dat | ml-1m.zip | folder> <out.txt>`: the reference
 * convert_ml1m.py: `user item timestamp` lines, users in ascending id order, each user's
 * interactions by time (stable: equal times keep file order). Written atomically.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { DataFormatError } from '@seqrec/data';
import { loadInteractions } from '@seqrec/data/node';
import { writeFileAtomic } from '@seqrec/files';
import { UsageError } from '../errors';
import { makeOutput, type CliIo } from '../io';

export async function convertCommand(kind: string, input: string, output: string, io: CliIo): Promise<number> {
  if (kind !== 'ml-1m') throw new UsageError(`convert: unknown dataset kind '${kind}' (supported: ml-1m)`);
  const out = makeOutput(io, false);
  if (await sameFile(input, output))
    throw new UsageError(`convert: the output ${output} is the input; give another output file (the input is kept)`);
  let log;
  try {
    log = await loadInteractions(input, { format: 'ml-1m' });
  } catch (error) {
    if (error instanceof DataFormatError) throw new UsageError(`convert: ${error.message}`);
    throw error;
  }
  const times = log.timestamps;
  if (times === null) throw new UsageError(`convert: ${input} has no timestamps`);
  const order = Array.from(log.rawUsers.keys());
  const userNum = log.rawUsers.map(Number);
  // Array.prototype.sort is stable, so equal (user, time) keep file order.
  order.sort((a, b) => (userNum[a] as number) - (userNum[b] as number) || (times[a] as number) - (times[b] as number));
  const lines = order.map((i) => `${log.rawUsers[i]} ${log.rawItems[i]} ${times[i]}`);
  try {
    await writeFileAtomic(output, lines.join('\n') + (lines.length > 0 ? '\n' : ''));
  } catch (error) {
    throw new UsageError(`convert: cannot write ${output} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  out.human(`wrote ${lines.length} interactions of ${new Set(log.rawUsers).size} users to ${output}`);
  return 0;
}

/** True when `output` names `input` (the same path, or the same file by another name or link). */
async function sameFile(input: string, output: string): Promise<boolean> {
  if (path.resolve(input) === path.resolve(output)) return true;
  const [a, b] = await Promise.all([fsp.stat(input).catch(() => null), fsp.stat(output).catch(() => null)]);
  return a !== null && b !== null && a.dev === b.dev && a.ino === b.ino;
}
