/**
 * LayerNorm over the last axis (shared/spec/MODEL.md §Block), forward and backward, each one
 * pass over its rows, compiled by AssemblyScript (`npm run build:kernels`). Runs on the
 * tfjs-backend-wasm heap under the rules of batchMatMul.ts: every pointer is a byte offset of a
 * float32 tensor the caller allocated there.
 *
 *   forward:  xhat = (x - mean) * rstd,  rstd = 1 / sqrt(var + eps)  (biased var),  y = xhat * gamma + beta
 *   backward: g = dy * gamma,  dx = rstd * (g - mean(g) - xhat * mean(g * xhat)),
 *             dgamma = sum over rows of dy * xhat,  dbeta = sum over rows of dy
 *
 * Letters: n rows, d features.
 *
 * The column sums follow the order of the SIMD matmul that computes them in the tfjs-op form
 * (`ones [1, n] x M`, batchMatMul.ts): a sum from 0 over each block of KC rows, the blocks' sums
 * added to the running total in turn. The other values are the tfjs ops' own f32 operations in
 * their order, so both forms give the same bits.
 */

// batchMatMul.ts's k block.
const KC: i32 = 256;

export function forward(
  x: usize,
  gamma: usize,
  beta: usize,
  y: usize,
  xhat: usize,
  rstd: usize,
  n: i32,
  d: i32,
  eps: f32,
): void {
  const rowBytes: usize = (<usize>d) << 2;
  for (let row = 0; row < n; row++) {
    const xr = x + <usize>row * rowBytes;
    let sum: f32 = 0;
    for (let j = 0; j < d; j++) sum += load<f32>(xr + ((<usize>j) << 2));
    const mean = sum / <f32>d;
    let squares: f32 = 0;
    for (let j = 0; j < d; j++) {
      const centred = load<f32>(xr + ((<usize>j) << 2)) - mean;
      squares += centred * centred;
    }
    const inverse: f32 = <f32>1 / Mathf.sqrt(squares / <f32>d + eps);
    store<f32>(rstd + ((<usize>row) << 2), inverse);
    const hr = xhat + <usize>row * rowBytes;
    const yr = y + <usize>row * rowBytes;
    for (let j = 0; j < d; j++) {
      const at: usize = (<usize>j) << 2;
      const normalized = (load<f32>(xr + at) - mean) * inverse;
      store<f32>(hr + at, normalized);
      store<f32>(yr + at, normalized * load<f32>(gamma + at) + load<f32>(beta + at));
    }
  }
}

/** dgamma and dbeta are overwritten (not added to); scratch holds 2 d floats. */
export function backward(
  dy: usize,
  xhat: usize,
  rstd: usize,
  gamma: usize,
  dx: usize,
  dgamma: usize,
  dbeta: usize,
  n: i32,
  d: i32,
  scratch: usize,
): void {
  const rowBytes: usize = (<usize>d) << 2;
  const blockGamma = scratch;
  const blockBeta = scratch + rowBytes;
  memory.fill(dgamma, 0, rowBytes);
  memory.fill(dbeta, 0, rowBytes);
  for (let block = 0; block < n; block += KC) {
    memory.fill(scratch, 0, rowBytes << 1);
    const end = min(n, block + KC);
    for (let row = block; row < end; row++) {
      const dyr = dy + <usize>row * rowBytes;
      const hr = xhat + <usize>row * rowBytes;
      let sumG: f32 = 0;
      let sumGx: f32 = 0;
      for (let j = 0; j < d; j++) {
        const at: usize = (<usize>j) << 2;
        const dyj = load<f32>(dyr + at);
        const hj = load<f32>(hr + at);
        const g = dyj * load<f32>(gamma + at);
        sumG += g;
        sumGx += g * hj;
        store<f32>(blockGamma + at, load<f32>(blockGamma + at) + dyj * hj);
        store<f32>(blockBeta + at, load<f32>(blockBeta + at) + dyj);
      }
      const meanG = sumG / <f32>d;
      const meanGx = sumGx / <f32>d;
      const inverse = load<f32>(rstd + ((<usize>row) << 2));
      const dxr = dx + <usize>row * rowBytes;
      for (let j = 0; j < d; j++) {
        const at: usize = (<usize>j) << 2;
        const hj = load<f32>(hr + at);
        const g = load<f32>(dyr + at) * load<f32>(gamma + at);
        store<f32>(dxr + at, inverse * (g - meanG - hj * meanGx));
      }
    }
    for (let j = 0; j < d; j++) {
      const at: usize = (<usize>j) << 2;
      store<f32>(
        dgamma + at,
        block == 0 ? load<f32>(blockGamma + at) : load<f32>(blockGamma + at) + load<f32>(dgamma + at),
      );
      store<f32>(
        dbeta + at,
        block == 0 ? load<f32>(blockBeta + at) : load<f32>(blockBeta + at) + load<f32>(dbeta + at),
      );
    }
  }
}
