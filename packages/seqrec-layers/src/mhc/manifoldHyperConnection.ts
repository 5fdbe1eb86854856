/**
 * mHC: a manifold-constrained hyper-connection around one sublayer (arXiv 2512.24880;
 * shared/spec/MODEL.md §mHC). The residual stream is n parallel streams X [B, T, n, d]; per token
 *
 *   xn    = RMSNorm(flatten(X))                                    [n*d], no gain
 *   Hpre  = sigmoid(alpha_pre * (xn phi_pre) + b_pre)              [n]
 *   Hpost = 2 * sigmoid(alpha_post * (xn phi_post) + b_post)       [n]
 *   Hres  = Sinkhorn(alpha_res * reshape(xn phi_res, n, n) + b_res)  [n, n]
 *   X'[i] = sum_j Hres[i, j] X[j] + Hpost[i] * F(sum_j Hpre[j] X[j])
 *
 * Initialisation per the spec: phi = 0, alpha = initGate, b_pre one-hot at stream
 * (sublayerIndex mod n) so the streams can diverge, b_post = 0 (Hpost = 1), b_res 0 on the
 * diagonal and -8 off it (Hres starts near the identity, not at the uniform 1/n).
 *
 * Letters: B batch, T window, d hidden, n streams; N = B * T tokens.
 */
import { mhcCoefficients, mhcExpand, mhcKernelsActive, mhcMerge, mhcMix, tf } from '@seqrec/runtime';
import { Layer } from '../layer';
import { gateCoefficients, residualCoefficients } from './mixingCoefficients';
import { rmsNormalize } from './rmsNormalize';

export interface ManifoldHyperConnectionConfig {
  name: string;
  dim: number;
  /** n, the number of residual streams. */
  expansionRate: number;
  sinkhornIters: number;
  /** Initial alpha of all three gates (spec default 0.01). */
  initGate: number;
  /** Index l of this sublayer in the network (block i: attention 2i, FFN 2i+1); sets b_pre. */
  sublayerIndex: number;
}

const RMS_EPS = 1e-8;
const OFF_DIAGONAL_RESIDUAL_BIAS = -8;

export class ManifoldHyperConnection extends Layer {
  readonly phiPre: tf.Variable; // [n*d, n]
  readonly phiPost: tf.Variable; // [n*d, n]
  readonly phiRes: tf.Variable; // [n*d, n*n]
  readonly alphaPre: tf.Variable; // []
  readonly alphaPost: tf.Variable; // []
  readonly alphaRes: tf.Variable; // []
  readonly bPre: tf.Variable; // [n]
  readonly bPost: tf.Variable; // [n]
  readonly bRes: tf.Variable; // [n, n]

  constructor(readonly config: ManifoldHyperConnectionConfig) {
    super(config.name);
    const { dim, expansionRate: n, initGate, sublayerIndex } = config;
    this.phiPre = this.addWeight('phi_pre', tf.zeros([n * dim, n]));
    this.phiPost = this.addWeight('phi_post', tf.zeros([n * dim, n]));
    this.phiRes = this.addWeight('phi_res', tf.zeros([n * dim, n * n]));
    this.alphaPre = this.addWeight('alpha_pre', tf.scalar(initGate));
    this.alphaPost = this.addWeight('alpha_post', tf.scalar(initGate));
    this.alphaRes = this.addWeight('alpha_res', tf.scalar(initGate));
    const oneHot = new Float32Array(n); // not tf.oneHot(...).toFloat(): on cpu that keeps int32 storage
    oneHot[sublayerIndex % n] = 1;
    this.bPre = this.addWeight('b_pre', tf.tensor1d(oneHot));
    this.bPost = this.addWeight('b_post', tf.zeros([n]));
    this.bRes = this.addWeight(
      'b_res',
      tf.tidy(() => tf.mul(tf.sub(1, tf.eye(n)), OFF_DIAGONAL_RESIDUAL_BIAS)),
    );
  }

  /**
   * streams: [B, T, n, d]; sublayer: [B, T, d] -> [B, T, d]; mask [B, T, 1], when given, is
   * multiplied into the result (the spec's X * mask after a block, done here in the same pass)
   * returns the updated streams [B, T, n, d]
   */
  apply(streams: tf.Tensor4D, sublayer: (hin: tf.Tensor3D) => tf.Tensor3D, mask?: tf.Tensor3D): tf.Tensor4D {
    if (mhcKernelsActive()) return this.applyFused(streams, sublayer, mask);
    return tf.tidy(() => {
      const [B, T, n, d] = streams.shape;
      const { hPre, hPost, hRes } = this.mixingMatrices(streams);
      const tokens = streams.reshape([B * T, n, d]); // [N, n, d]
      const hin = tf.matMul(hPre.reshape([B * T, 1, n]), tokens).reshape([B, T, d]) as tf.Tensor3D; // [B, T, d]
      const f = sublayer(hin).reshape([B * T, 1, d]); // [N, 1, d]
      const mixed = tf.matMul(hRes, tokens); // [N, n, d]
      const updated = tf.add(mixed, tf.mul(hPost.reshape([B * T, n, 1]), f)).reshape([B, T, n, d]) as tf.Tensor4D;
      return mask === undefined ? updated : (tf.mul(updated, mask.expandDims(3)) as tf.Tensor4D); // mask [B, T, 1, 1]
    });
  }

  /**
   * `apply` on the runtime's fused kernels (wasm): the projection, the coefficients and hin in
   * one kernel, the stream update in another; each has a one-kernel gradient (the concat's
   * gradient hands dphi back to phi_pre, phi_post and phi_res as slices).
   */
  private applyFused(
    streams: tf.Tensor4D,
    sublayer: (hin: tf.Tensor3D) => tf.Tensor3D,
    mask: tf.Tensor3D | undefined,
  ): tf.Tensor4D {
    return tf.tidy(() => {
      const [B, T, n, d] = streams.shape;
      const x = streams.reshape([B * T, n * d]) as tf.Tensor2D; // [N, n*d]
      const phi = tf.concat([this.phiPre, this.phiPost, this.phiRes], 1) as tf.Tensor2D; // [n*d, 2n + n*n]
      const gates = {
        alphaPre: this.alphaPre,
        alphaPost: this.alphaPost,
        alphaRes: this.alphaRes,
        bPre: this.bPre,
        bPost: this.bPost,
        bRes: this.bRes,
      };
      const {
        h,
        hin,
        x: xPassed,
      } = mhcCoefficients(x, phi, gates, { n, sinkhornIters: this.config.sinkhornIters, eps: RMS_EPS });
      const f = sublayer(hin.reshape([B, T, d]) as tf.Tensor3D).reshape([B * T, d]) as tf.Tensor2D; // [N, d]
      const tokenMask = mask === undefined ? tf.ones([B * T]) : mask.reshape([B * T]); // [N]
      return mhcMix(xPassed, f, h, tokenMask as tf.Tensor1D, n).reshape([B, T, n, d]) as tf.Tensor4D;
    });
  }

  /** The per-token Hpre [N, n], Hpost [N, n] and Hres [N, n, n]. */
  mixingMatrices(streams: tf.Tensor4D): { hPre: tf.Tensor2D; hPost: tf.Tensor2D; hRes: tf.Tensor3D } {
    const [B, T, n, d] = streams.shape;
    const flat = streams.reshape([B * T, n * d]) as tf.Tensor2D; // [N, n*d]
    const xn = rmsNormalize(flat, RMS_EPS); // [N, n*d]
    // One [n*d, 2n + n*n] product instead of three thin ones (k = n is too narrow to be fast).
    const projected = tf.matMul(xn, tf.concat([this.phiPre, this.phiPost, this.phiRes], 1)) as tf.Tensor2D; // [N, 2n + n*n]
    const hPre = gateCoefficients(projected, 0, this.alphaPre, this.bPre as tf.Tensor1D, 1); // [N, n]
    const hPost = gateCoefficients(projected, n, this.alphaPost, this.bPost as tf.Tensor1D, 2); // [N, n]
    const hRes = residualCoefficients(
      projected,
      2 * n,
      this.alphaRes,
      this.bRes as tf.Tensor2D,
      this.config.sinkhornIters,
    ); // [N, n, n]
    return { hPre, hPost, hRes };
  }
}

/**
 * x [B, T, d] -> n identical streams [B, T, n, d]: the runtime's copy kernel on wasm, else
 * ones[n, 1] x x (a batched matmul with a shared left side: its gradient is one more matmul,
 * where tf.tile's is n slices).
 */
export function expandStreams(x: tf.Tensor3D, n: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [B, T, d] = x.shape;
    if (mhcKernelsActive()) return mhcExpand(x.reshape([B * T, d]), n).reshape([B, T, n, d]) as tf.Tensor4D;
    return tf.matMul(tf.ones([1, n, 1]), x.reshape([B * T, 1, d])).reshape([B, T, n, d]) as tf.Tensor4D;
  });
}

/** streams [B, T, n, d] -> their sum [B, T, d]: the runtime's kernel on wasm, else ones[1, n] x X. */
export function mergeStreams(streams: tf.Tensor4D): tf.Tensor3D {
  return tf.tidy(() => {
    const [B, T, n, d] = streams.shape;
    if (mhcKernelsActive()) return mhcMerge(streams.reshape([B * T, n * d]), n).reshape([B, T, d]) as tf.Tensor3D;
    return tf.matMul(tf.ones([1, 1, n]), streams.reshape([B * T, n, d])).reshape([B, T, d]) as tf.Tensor3D;
  });
}
