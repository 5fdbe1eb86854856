/**
 * Inference-only mHC update at the newest position (the last column): what the last block needs
 * when only the newest position's features are used. The sublayer (attention) still reads every
 * position, so Hpre and its input are computed for every token; Hres (the Sinkhorn projection),
 * Hpost and the stream update only for the newest. Equal to the last position of
 * `ManifoldHyperConnection.apply`.
 *
 * Letters: B batch, T window, d hidden, n streams; N = B * T tokens.
 */
import { tf } from '@seqrec/runtime';
import type { ManifoldHyperConnection } from './manifoldHyperConnection';
import { gateCoefficients } from './mixingCoefficients';
import { rmsNormalize } from './rmsNormalize';

const RMS_EPS = 1e-8; // as ManifoldHyperConnection

/**
 * streams:  [B, T, n, d]
 * sublayer: hin [B, T, d] at every position -> its output at the newest position [B, 1, d]
 * returns   the updated streams at the newest position [B, 1, n, d]
 */
export function hyperConnectionAtLastPosition(
  mhc: ManifoldHyperConnection,
  streams: tf.Tensor4D,
  sublayer: (hin: tf.Tensor3D) => tf.Tensor3D,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [B, T, n, d] = streams.shape;
    const tokens = streams.reshape([B * T, n, d]); // [N, n, d]
    const xn = rmsNormalize(streams.reshape([B * T, n * d]) as tf.Tensor2D, RMS_EPS); // [N, n*d]
    const preProjection = tf.matMul(xn, mhc.phiPre as tf.Tensor2D) as tf.Tensor2D; // [N, n]
    const hPre = gateCoefficients(preProjection, 0, mhc.alphaPre, mhc.bPre as tf.Tensor1D, 1); // [N, n]
    const hin = tf.matMul(hPre.reshape([B * T, 1, n]), tokens).reshape([B, T, d]) as tf.Tensor3D; // [B, T, d]
    const f = sublayer(hin).reshape([B, 1, d]); // [B, 1, d]
    const newest = streams.slice([0, T - 1, 0, 0], [B, 1, n, d]) as tf.Tensor4D; // [B, 1, n, d]
    const { hPost, hRes } = mhc.mixingMatrices(newest); // [B, n], [B, n, n]
    const mixed = tf.matMul(hRes, newest.reshape([B, n, d])); // [B, n, d]
    return tf.add(mixed, tf.mul(hPost.reshape([B, n, 1]), f)).reshape([B, 1, n, d]) as tf.Tensor4D;
  });
}
