/**
 * Loads what tfjs-core keeps out of its CommonJS entry, without the `@tensorflow/tfjs` umbrella:
 * every gradient and the chained tensor methods (`x.reshape(...)`), from
 * build/tfjs-core/registrations.js, tfjs-core's own registration modules bundled by
 * scripts/bundleTfjsCoreRegistrations.js (part of `npm run build`, shipped in the package's
 * `files`). The relative path is the same from src/ (jest) and dist/.
 */
import { getGradient } from '@tensorflow/tfjs-core';

const BUNDLE = 'build/tfjs-core/registrations.js';

export function loadTfjsCoreRegistrations(): void {
  if (getGradient('GatherV2') !== undefined) return; // already loaded (e.g. by the umbrella)
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('../build/tfjs-core/registrations.js');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
    throw new Error(`@seqrec/runtime: ${BUNDLE} (tfjs-core's gradients) is missing; run \`npm run build\``);
  }
  if (getGradient('GatherV2') === undefined) {
    throw new Error(`@seqrec/runtime: ${BUNDLE} did not register tfjs-core's gradients`);
  }
}
