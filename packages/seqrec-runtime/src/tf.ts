/**
 * The one tfjs instance every seqrec package uses.
 *
 * `@tensorflow/tfjs-core`'s CommonJS entry has ops and kernels' names but neither gradients nor
 * the chained tensor methods; loadTfjsCoreRegistrations adds tfjs-core's own (bundled at build
 * time), so seqrec needs no `@tensorflow/tfjs` umbrella. tfjs-core and the backends are peer
 * dependencies: an application that has its own tfjs-core shares it. The cpu backend is always
 * present (it is also the reference the custom kernels are tested against).
 */
/// <reference types="@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops" preserve="true" />
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadTfjsCoreRegistrations } from './tfjsCoreRegistrations';

loadTfjsCoreRegistrations();

// PROD mode silences tfjs's "install tfjs-node" banner; libraries must not print.
tf.enableProdMode();

export { tf };
