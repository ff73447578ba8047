import { Rng } from "../../src/runtime/rng.js";

/** A seeded stream of floats in [0, 1), so that a failing random test can be replayed exactly. */
export function seededRandom(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.nextFloat();
}

export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

export function intBelow(random: () => number, n: number): number {
  return Math.floor(random() * n);
}
