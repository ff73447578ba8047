/**
 * Seeds and a seeded pseudo-random generator. Every random choice in lthc comes
 * from a stream whose seed is derived from a job's identity and a purpose
 * ("init", "data-order", "augment", "pgd", "mask"), so runs are reproducible and
 * independent streams never share state.
 *
 * The generator is xoshiro128** (Blackman & Vigna): 128 bits of state, fast in
 * 32-bit JavaScript arithmetic, and its state is four uint32s, which checkpoints
 * store so a resumed run continues the exact same stream.
 */
import { createHash } from "node:crypto";

/** A uint32 seed from any list of parts; the same parts always give the same seed. */
export function deriveSeed(...parts: (string | number)[]): number {
  // JSON keeps ("a1", 2) and ("a", 12) apart, which plain concatenation would not.
  const digest = createHash("sha256").update(JSON.stringify(parts)).digest();
  return digest.readUInt32LE(0);
}

export type RngState = [number, number, number, number];

/** splitmix32 spreads one 32-bit seed over the 128-bit state (the generator's authors' advice). */
function expandSeed(seed: number): RngState {
  let s = seed >>> 0;
  const next = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  const state: RngState = [next(), next(), next(), next()];
  // The all-zero state is the generator's only fixed point.
  if (state.every((v) => v === 0)) state[0] = 1;
  return state;
}

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number) {
    [this.s0, this.s1, this.s2, this.s3] = expandSeed(seed);
  }

  /** A generator for (parts...) — shorthand for new Rng(deriveSeed(...parts)). */
  static derive(...parts: (string | number)[]): Rng {
    return new Rng(deriveSeed(...parts));
  }

  static fromState(state: RngState): Rng {
    const rng = new Rng(0);
    rng.setState(state);
    return rng;
  }

  /** A uniformly distributed uint32. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1), 32 bits of resolution. */
  nextFloat(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n), without modulo bias. n must be in [1, 2^32]. */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 4294967296) throw new RangeError(`nextInt: bad bound ${n}`);
    // Rejection sampling: discard the top partial range so every residue is equally likely.
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      const v = this.nextUint32();
      if (v < limit) return v % n;
    }
  }

  /** Standard normal draw (Box–Muller; one draw per call so the state stays four words). */
  normal(): number {
    // 1 - u keeps the log argument in (0, 1].
    const u = 1 - this.nextFloat();
    const v = this.nextFloat();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Fisher–Yates shuffle in place; returns the same array. */
  shuffle<T extends { length: number; [i: number]: unknown }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }

  getState(): RngState {
    return [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0];
  }

  setState(state: readonly number[]): void {
    if (state.length !== 4 || state.some((v) => !Number.isInteger(v) || v < 0 || v > 0xffffffff)) {
      throw new RangeError("RNG state must be four uint32 values");
    }
    if (state.every((v) => v === 0)) throw new RangeError("RNG state must not be all zero");
    [this.s0, this.s1, this.s2, this.s3] = state.map((v) => v | 0);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
