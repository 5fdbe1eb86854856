/**
 * The one tfjs instance every seqrec package uses.
 *
 * `@tensorflow/tfjs-core` alone has ops and kernels' names but no gradients; the
 * `@tensorflow/tfjs` umbrella registers every gradient into tfjs-core's global registry when it
 * is loaded, so it is imported here once for that side effect. The cpu backend is always
 * present (it is also the reference the custom kernels are tested against).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs';

// PROD mode silences tfjs's "install tfjs-node" banner; libraries must not print.
tf.enableProdMode();

export { tf };
