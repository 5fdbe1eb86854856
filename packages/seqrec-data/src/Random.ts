/**
 * Random: the project's one seeded PRNG for data preparation and samplers.
 *
 * sfc32 (Chris Doty-Humphrey's "small fast counting" generator, as in PractRand) seeded through
 * splitmix32, so that nearby seeds (0, 1, 2, ...) give unrelated streams. The whole state is four
 * uint32 words, so it serialises to JSON for checkpoints and a resumed run continues identically.
 */

/** JSON-serialisable state of a {@link Random}. */
export interface RandomState {
  algorithm: 'sfc32';
  /** The four uint32 state words a, b, c, d. */
  state: [number, number, number, number];
}

const TWO_POW_32 = 4294967296;

/** splitmix32 step: returns [output, nextSeed]. Only used to expand a seed into sfc32 state. */
function splitmix32(seed: number): [number, number] {
  const next = (seed + 0x9e3779b9) >>> 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return [(z ^ (z >>> 16)) >>> 0, next];
}

/** Seeded pseudo-random generator (sfc32). Not cryptographic. */
export class Random {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;

  /** @param seed any finite number; it is reduced to an unsigned 32-bit integer. */
  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new RangeError(`Random: seed must be a finite number, got ${seed}`);
    let s = Math.trunc(seed) >>> 0;
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [out, next] = splitmix32(s);
      words.push(out);
      s = next;
    }
    [this.a, this.b, this.c, this.d] = words as [number, number, number, number];
    // sfc32 mixes poorly in its first outputs; discarding a few is the customary warm-up.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = (this.b ^ (this.b >>> 9)) >>> 0;
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** A float uniformly distributed in [0, 1). */
  nextFloat(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** An integer uniformly distributed in [0, n), without modulo bias. `n` in 1..2^32. */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) {
      throw new RangeError(`Random.nextInt: n must be an integer in 1..2^32, got ${n}`);
    }
    // Reject the top sliver of the uint32 range that would make some residues more likely.
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** Fisher-Yates shuffle of `array` IN PLACE; returns the same array. */
  shuffle<T, A extends { length: number; [i: number]: T }>(array: A): A {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }

  /** A snapshot of the state; `setState` of it replays the same stream. */
  getState(): RandomState {
    return { algorithm: 'sfc32', state: [this.a, this.b, this.c, this.d] };
  }

  setState(state: RandomState): void {
    const words = (state as Partial<RandomState> | null)?.state;
    if (
      state?.algorithm !== 'sfc32' ||
      !Array.isArray(words) ||
      words.length !== 4 ||
      !words.every((w) => Number.isInteger(w) && w >= 0 && w < TWO_POW_32)
    ) {
      throw new TypeError(
        `Random.setState: expected {algorithm: 'sfc32', state: [4 uint32]}, got ${JSON.stringify(state)}`,
      );
    }
    [this.a, this.b, this.c, this.d] = words;
  }

  /** A new generator in the given state. */
  static fromState(state: RandomState): Random {
    const rng = new Random(0);
    rng.setState(state);
    return rng;
  }
}
