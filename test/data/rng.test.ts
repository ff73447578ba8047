import { describe, expect, it } from "vitest";
import { deriveSeed, Rng } from "../../src/runtime/rng.js";

describe("Rng", () => {
  it("is xoshiro128** (reference output for state 1,2,3,4)", () => {
    const rng = Rng.fromState([1, 2, 3, 4]);
    // From the reference C implementation: result = rotl(s1 * 5, 7) * 9.
    expect(rng.nextUint32()).toBe(11520);
    expect(rng.nextUint32()).toBe(0);
    expect(rng.nextUint32()).toBe(5927040);
  });

  it("the same seed gives the same stream, another seed another", () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const draw = (r: Rng) => Array.from({ length: 8 }, () => r.nextUint32());
    const da = draw(a);
    expect(draw(b)).toEqual(da);
    expect(draw(c)).not.toEqual(da);
  });

  it("restores its state exactly", () => {
    const a = new Rng(7);
    for (let i = 0; i < 5; i++) a.nextFloat();
    const saved = a.getState();
    const expected = [a.nextFloat(), a.normal(), a.nextInt(10)];
    const b = Rng.fromState(saved);
    expect([b.nextFloat(), b.normal(), b.nextInt(10)]).toEqual(expected);
    expect(() => b.setState([0, 0, 0, 0])).toThrow();
    expect(() => b.setState([1, 2, 3])).toThrow();
  });

  it("draws are in range and roughly uniform / normal", () => {
    const rng = new Rng(1);
    const counts = new Array(5).fill(0);
    let sum = 0;
    let sumSq = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const f = rng.nextFloat();
      expect(f >= 0 && f < 1).toBe(true);
      counts[rng.nextInt(5)]++;
      const z = rng.normal();
      sum += z;
      sumSq += z * z;
    }
    for (const c of counts) expect(Math.abs(c - n / 5)).toBeLessThan(n / 25);
    expect(Math.abs(sum / n)).toBeLessThan(0.05);
    expect(Math.abs(sumSq / n - 1)).toBeLessThan(0.05);
  });

  it("shuffle is a seeded permutation", () => {
    const a = new Rng(3).shuffle(Array.from({ length: 50 }, (_, i) => i));
    const b = new Rng(3).shuffle(Array.from({ length: 50 }, (_, i) => i));
    expect(a).toEqual(b);
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(a).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});

describe("deriveSeed", () => {
  it("is a stable uint32 that depends on every part and its boundaries", () => {
    const s = deriveSeed("job-abc", "init");
    expect(Number.isInteger(s) && s >= 0 && s <= 0xffffffff).toBe(true);
    expect(deriveSeed("job-abc", "init")).toBe(s);
    expect(deriveSeed("job-abc", "data-order")).not.toBe(s);
    expect(deriveSeed("a1", 2)).not.toBe(deriveSeed("a", 12));
    expect(deriveSeed("x", 1)).not.toBe(deriveSeed("x", "1"));
  });
});
