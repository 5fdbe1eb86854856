/**
 * Which code produced a run, recorded in args.json next to the flags: the seqrec version and,
 * when the CLI runs from a git checkout (as in development and in docs/RESULTS.md), the commit
 * and whether the working tree had uncommitted changes. A published package has no git
 * checkout around it; then only the version is recorded.
 */
import { spawnSync } from 'node:child_process';

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const SEQREC_VERSION = (require('../package.json') as { version: string }).version;

export interface Provenance {
  seqrec_version: string;
  git_commit?: string;
  git_dirty?: boolean;
}

function git(args: string[]): string | null {
  const result = spawnSync('git', args, { cwd: __dirname, encoding: 'utf8', timeout: 5000 });
  return result.status === 0 ? result.stdout.trim() : null;
}

export function provenance(): Provenance {
  const commit = git(['rev-parse', 'HEAD']);
  if (commit === null) return { seqrec_version: SEQREC_VERSION };
  const status = git(['status', '--porcelain', '--untracked-files=no']);
  return { seqrec_version: SEQREC_VERSION, git_commit: commit, git_dirty: status !== null && status !== '' };
}
