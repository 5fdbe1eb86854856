import type { InteractionLog } from './InteractionLog';
import { writeFileAtomic } from '@seqrec/files';

/** Writes a log as SASRec-style text, `user item timestamp` (or `user item`) per line, atomically. */
export async function writeInteractionsText(file: string, log: InteractionLog): Promise<void> {
  const lines: string[] = new Array(log.rawUsers.length);
  const t = log.timestamps;
  for (let i = 0; i < lines.length; i++) {
    if (/\s/.test(log.rawUsers[i]) || /\s/.test(log.rawItems[i]))
      throw new RangeError(
        `writeInteractionsText: raw ids with whitespace cannot be written space separated (line ${i + 1})`,
      );
    lines[i] = t === null ? `${log.rawUsers[i]} ${log.rawItems[i]}` : `${log.rawUsers[i]} ${log.rawItems[i]} ${t[i]}`;
  }
  await writeFileAtomic(file, lines.join('\n') + '\n');
}
