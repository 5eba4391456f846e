/**
 * A small seeded PRNG (mulberry32) so that shuffles, splits and augmentations give the same result on every
 * run and every platform. Not for cryptography.
 */
export class Rng {
  private state: number;

  constructor(seed = 0) {
    // Mix the seed once (splitmix32 step) so that nearby seeds (0, 1, 2...) start far apart.
    this.state = mixSeed(seed);
  }

  /** Next uint32. */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform float in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Fisher-Yates shuffle in place; returns the same array. */
  shuffle<A extends { length: number; [i: number]: number }>(array: A): A {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = array[i]!;
      array[i] = array[j]!;
      array[j] = tmp;
    }
    return array;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    return this.shuffle(out);
  }
}

/** Hashes a seed (any finite number, plus optional stream ids) into a 32-bit state. */
export function mixSeed(seed: number, ...streams: number[]): number {
  let h = splitmix32((Math.trunc(seed) >>> 0) ^ Math.trunc(seed / 4294967296));
  for (const s of streams) h = splitmix32(h ^ (s >>> 0));
  return h;
}

function splitmix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}
