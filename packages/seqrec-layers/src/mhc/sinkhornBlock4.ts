/**
 * `SinkhornBlock` unrolled for n = 4 (mHC's default expansion rate): the 16 entries live in
 * locals instead of an array, which makes the loops ~2.5x faster in V8. The arithmetic is the
 * generic block's, operation for operation and in the same order, so the results are
 * bit-identical (sinkhorn.test.ts checks). Kept unformatted: one line per row or column.
 */
import { SinkhornBlock } from './sinkhornBlock';

// prettier-ignore
export class SinkhornBlock4 extends SinkhornBlock {
  constructor(iters: number) {
    super(4, iters);
  }

  override forward(): void {
    const { iters, m, sums } = this;
    this.exponentiate();
    let m00 = m[0], m01 = m[1], m02 = m[2], m03 = m[3];
    let m10 = m[4], m11 = m[5], m12 = m[6], m13 = m[7];
    let m20 = m[8], m21 = m[9], m22 = m[10], m23 = m[11];
    let m30 = m[12], m31 = m[13], m32 = m[14], m33 = m[15];
    for (let k = 0, base = 0; k < iters; k++, base += 8) {
      let sum: number, inverse: number;
      sum = 0 + m00 + m01 + m02 + m03; sums[base + 0] = sum; inverse = 1 / sum;
      m00 *= inverse; m01 *= inverse; m02 *= inverse; m03 *= inverse;
      sum = 0 + m10 + m11 + m12 + m13; sums[base + 1] = sum; inverse = 1 / sum;
      m10 *= inverse; m11 *= inverse; m12 *= inverse; m13 *= inverse;
      sum = 0 + m20 + m21 + m22 + m23; sums[base + 2] = sum; inverse = 1 / sum;
      m20 *= inverse; m21 *= inverse; m22 *= inverse; m23 *= inverse;
      sum = 0 + m30 + m31 + m32 + m33; sums[base + 3] = sum; inverse = 1 / sum;
      m30 *= inverse; m31 *= inverse; m32 *= inverse; m33 *= inverse;
      sum = 0 + m00 + m10 + m20 + m30; sums[base + 4] = sum; inverse = 1 / sum;
      m00 *= inverse; m10 *= inverse; m20 *= inverse; m30 *= inverse;
      sum = 0 + m01 + m11 + m21 + m31; sums[base + 5] = sum; inverse = 1 / sum;
      m01 *= inverse; m11 *= inverse; m21 *= inverse; m31 *= inverse;
      sum = 0 + m02 + m12 + m22 + m32; sums[base + 6] = sum; inverse = 1 / sum;
      m02 *= inverse; m12 *= inverse; m22 *= inverse; m32 *= inverse;
      sum = 0 + m03 + m13 + m23 + m33; sums[base + 7] = sum; inverse = 1 / sum;
      m03 *= inverse; m13 *= inverse; m23 *= inverse; m33 *= inverse;
    }
    m[0] = m00; m[1] = m01; m[2] = m02; m[3] = m03;
    m[4] = m10; m[5] = m11; m[6] = m12; m[7] = m13;
    m[8] = m20; m[9] = m21; m[10] = m22; m[11] = m23;
    m[12] = m30; m[13] = m31; m[14] = m32; m[15] = m33;
  }

  override backward(): void {
    const { iters, m, g, sums } = this;
    let m00 = m[0], m01 = m[1], m02 = m[2], m03 = m[3];
    let m10 = m[4], m11 = m[5], m12 = m[6], m13 = m[7];
    let m20 = m[8], m21 = m[9], m22 = m[10], m23 = m[11];
    let m30 = m[12], m31 = m[13], m32 = m[14], m33 = m[15];
    let g00 = g[0], g01 = g[1], g02 = g[2], g03 = g[3];
    let g10 = g[4], g11 = g[5], g12 = g[6], g13 = g[7];
    let g20 = g[8], g21 = g[9], g22 = g[10], g23 = g[11];
    let g30 = g[12], g31 = g[13], g32 = g[14], g33 = g[15];
    for (let base = 8 * (iters - 1); base >= 0; base -= 8) {
      let sum: number, inverse: number, dot: number;
      sum = sums[base + 4]; inverse = 1 / sum; dot = 0 + g00 * m00 + g10 * m10 + g20 * m20 + g30 * m30;
      g00 = (g00 - dot) * inverse; g10 = (g10 - dot) * inverse; g20 = (g20 - dot) * inverse; g30 = (g30 - dot) * inverse;
      m00 *= sum; m10 *= sum; m20 *= sum; m30 *= sum;
      sum = sums[base + 5]; inverse = 1 / sum; dot = 0 + g01 * m01 + g11 * m11 + g21 * m21 + g31 * m31;
      g01 = (g01 - dot) * inverse; g11 = (g11 - dot) * inverse; g21 = (g21 - dot) * inverse; g31 = (g31 - dot) * inverse;
      m01 *= sum; m11 *= sum; m21 *= sum; m31 *= sum;
      sum = sums[base + 6]; inverse = 1 / sum; dot = 0 + g02 * m02 + g12 * m12 + g22 * m22 + g32 * m32;
      g02 = (g02 - dot) * inverse; g12 = (g12 - dot) * inverse; g22 = (g22 - dot) * inverse; g32 = (g32 - dot) * inverse;
      m02 *= sum; m12 *= sum; m22 *= sum; m32 *= sum;
      sum = sums[base + 7]; inverse = 1 / sum; dot = 0 + g03 * m03 + g13 * m13 + g23 * m23 + g33 * m33;
      g03 = (g03 - dot) * inverse; g13 = (g13 - dot) * inverse; g23 = (g23 - dot) * inverse; g33 = (g33 - dot) * inverse;
      m03 *= sum; m13 *= sum; m23 *= sum; m33 *= sum;
      sum = sums[base + 0]; inverse = 1 / sum; dot = 0 + g00 * m00 + g01 * m01 + g02 * m02 + g03 * m03;
      g00 = (g00 - dot) * inverse; g01 = (g01 - dot) * inverse; g02 = (g02 - dot) * inverse; g03 = (g03 - dot) * inverse;
      m00 *= sum; m01 *= sum; m02 *= sum; m03 *= sum;
      sum = sums[base + 1]; inverse = 1 / sum; dot = 0 + g10 * m10 + g11 * m11 + g12 * m12 + g13 * m13;
      g10 = (g10 - dot) * inverse; g11 = (g11 - dot) * inverse; g12 = (g12 - dot) * inverse; g13 = (g13 - dot) * inverse;
      m10 *= sum; m11 *= sum; m12 *= sum; m13 *= sum;
      sum = sums[base + 2]; inverse = 1 / sum; dot = 0 + g20 * m20 + g21 * m21 + g22 * m22 + g23 * m23;
      g20 = (g20 - dot) * inverse; g21 = (g21 - dot) * inverse; g22 = (g22 - dot) * inverse; g23 = (g23 - dot) * inverse;
      m20 *= sum; m21 *= sum; m22 *= sum; m23 *= sum;
      sum = sums[base + 3]; inverse = 1 / sum; dot = 0 + g30 * m30 + g31 * m31 + g32 * m32 + g33 * m33;
      g30 = (g30 - dot) * inverse; g31 = (g31 - dot) * inverse; g32 = (g32 - dot) * inverse; g33 = (g33 - dot) * inverse;
      m30 *= sum; m31 *= sum; m32 *= sum; m33 *= sum;
    }
    g[0] = g00; g[1] = g01; g[2] = g02; g[3] = g03;
    g[4] = g10; g[5] = g11; g[6] = g12; g[7] = g13;
    g[8] = g20; g[9] = g21; g[10] = g22; g[11] = g23;
    g[12] = g30; g[13] = g31; g[14] = g32; g[15] = g33;
    this.scaleByExponentials();
  }
}
