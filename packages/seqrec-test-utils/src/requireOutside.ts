/**
 * Tests that need something outside this repository (the spec fixtures and the licensed datasets
 * in ../shared, beside the checkout) or a build skip with a message where it is absent, but under
 * CI (`CI` set, as by .ci/run and GitHub Actions) the test file fails instead, so a CI run
 * without them cannot pass while checking nothing.
 */
import * as fs from 'node:fs';

/** True when the CI environment variable says so (`CI=true`, `CI=1`, GitHub's `CI=true`). */
export function underCI(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env['CI'];
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

/**
 * Whether every path exists. Otherwise: under CI an error (thrown while the test file loads, so
 * the whole file fails), else a warning and false (the caller skips its tests).
 */
export function requireOutside(what: string, paths: readonly string[], env: NodeJS.ProcessEnv = process.env): boolean {
  const missing = paths.filter((p) => !fs.existsSync(p));
  if (missing.length === 0) return true;
  const message = `${what} not found (${missing.join(', ')})`;
  if (underCI(env)) throw new Error(`${message}: CI is set, so the tests that need it fail instead of skipping`);
  console.warn(`${message}: the tests that need it are skipped`);
  return false;
}
