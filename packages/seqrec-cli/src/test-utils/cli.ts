/** Runs the `seqrec` command line in-process and collects its exit code and output (tests only). */
import type { CliIo } from '../io';
import { run } from '../run';

export async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), isTTY: false };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}
