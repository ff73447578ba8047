/**
 * Seeded mutation fuzzing over the spec corpus: analyze() and formatSpec() must never
 * throw, and every result is either points (no errors) or at least one error.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze, formatSpec, KEYWORDS } from "../../src/compiler/index.js";
import { seededRandom } from "../helpers/random.js";

function lthFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? lthFiles(join(dir, e.name)) : e.name.endsWith(".lth") ? [join(dir, e.name)] : [],
  );
}

const FRAGMENTS = [
  ...KEYWORDS,
  "(",
  ")",
  "[",
  "]",
  "{",
  "}",
  ",",
  ":",
  "..",
  "=",
  "|",
  "+",
  "*",
  "/",
  "^",
  "#",
  "\n",
  " ",
  "0",
  "1",
  "8",
  "-3",
  "1e309",
  "0.1",
  "80%",
  "8ep",
  "500it",
  "NaN",
  "1e-400",
  "wrn(20,1)",
  "resnet(20)",
  "lenet(300,100)",
  "convnet(32,64)",
  "pgd(linf,0.1,2)",
  "pgd(l2,",
  "none",
  "global",
  "random",
  "imp(20%)",
  "random(layerwise)",
  "cifar10",
  "mnist",
  "synthetic",
  "k in",
  "[2..16 by 2]",
  "80%^[2..16]",
  "x in [1,2]",
  "let a = a",
  "sweep s:",
  "\u0000",
  "é",
  "🙂",
];

function mutate(text: string, next: () => number): string {
  let out = text;
  const edits = 1 + Math.floor(next() * 4);
  for (let i = 0; i < edits; i++) {
    const pos = Math.floor(next() * (out.length + 1));
    const op = next();
    const fragment = FRAGMENTS[Math.floor(next() * FRAGMENTS.length)];
    if (op < 0.25) {
      out = out.slice(0, pos) + out.slice(pos + 1 + Math.floor(next() * 8));
    } else if (op < 0.5) {
      out = out.slice(0, pos) + fragment + out.slice(pos);
    } else if (op < 0.75) {
      out = out.slice(0, pos) + fragment + out.slice(pos + 1 + Math.floor(next() * 6));
    } else {
      // Swap a token-sized chunk with another place in the text.
      const len = 1 + Math.floor(next() * 10);
      const from = Math.floor(next() * Math.max(1, out.length - len));
      out = out.slice(0, pos) + out.slice(from, from + len) + out.slice(pos);
    }
  }
  return out;
}

const corpus = [...lthFiles("specs"), ...lthFiles("test/golden")].map((f) => readFileSync(f, "utf8"));

describe("compiler fuzz", () => {
  it("never throws on thousands of mutated specs; each result is points or errors", () => {
    const next = seededRandom(20261124);
    let withPoints = 0;
    let withErrors = 0;
    for (let i = 0; i < 3000; i++) {
      const base = corpus[i % corpus.length];
      const text = mutate(base, next);
      const a = analyze(text, "fuzz.lth");
      const errors = a.diagnostics.filter((d) => d.severity === "error");
      expect(
        a.diagnostics.every((d) => d.code !== "E000"),
        text,
      ).toBe(true);
      if (errors.length > 0) {
        expect(a.points).toEqual([]);
        withErrors++;
      } else if (a.points.length > 0) withPoints++;
      for (const d of a.diagnostics) {
        expect(d.range.start.offset).toBeLessThanOrEqual(d.range.end.offset);
        expect(d.range.end.offset).toBeLessThanOrEqual(text.length);
        expect(d.message).not.toContain("\n");
      }
      const formatted = formatSpec(text);
      if (formatted !== null) expect(formatSpec(formatted), text).toBe(formatted);
    }
    // The mutations exercise both outcomes.
    expect(withPoints).toBeGreaterThan(50);
    expect(withErrors).toBeGreaterThan(500);
  });
});
