/**
 * Reparsing after an edit must give exactly what parsing the whole text gives: the same
 * statements with the same positions, the same problems. Checked on the corpus as it is
 * and along seeded random edit sequences that open and close brackets, add and remove
 * statements, and break things.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateSpec } from "../../bench/lsp.js";
import { analyzeSyntax, parse, type SyntaxAnalysis } from "../../src/compiler/index.js";
import { intBelow, pick, seededRandom } from "../helpers/random.js";

const root = join(import.meta.dirname, "..", "..");
const corpus = ["specs", "specs/examples", "test/golden/diagnostics"].flatMap((dir) =>
  readdirSync(join(root, dir))
    .filter((name) => name.endsWith(".lth"))
    .map((name) => readFileSync(join(root, dir, name), "utf8")),
);

const FRAGMENTS = [
  "sweep ",
  "sweep b: lenet(300, 100) at 50%\n",
  "let ",
  "let x = 0.1\n",
  " in [1, 2]",
  "{",
  "}",
  "[",
  "]",
  "(",
  ")",
  ",",
  ":",
  "=",
  "|",
  "#",
  "\n",
  " ",
  "8",
  "80%",
  "x",
  "epochs 3 ",
  "@",
];

function edit(text: string, random: () => number): string {
  const at = intBelow(random, text.length + 1);
  if (random() < 0.35 && text.length > 0)
    return text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + intBelow(random, 6)));
  return text.slice(0, at) + pick(random, FRAGMENTS) + text.slice(at);
}

function expectSameAsWholeParse(syntax: SyntaxAnalysis): void {
  const whole = parse(syntax.text);
  expect(syntax.parsed.problems).toEqual(whole.problems);
  expect(syntax.ast).toEqual(whole.file);
  expect(syntax.parsed.tokens).toEqual(whole.tokens);
  expect(syntax.parsed.comments).toEqual(whole.comments);
}

describe("reparsing only what an edit touched", () => {
  it("parses every corpus file as the whole-text parse does", () => {
    for (const text of [...corpus, generateSpec(300)]) expectSameAsWholeParse(analyzeSyntax(text));
  });

  it("gives the whole-text parse after each of thousands of random edits", () => {
    const random = seededRandom(20261124);
    let checked = 0;
    for (const start of corpus) {
      let syntax = analyzeSyntax(start);
      for (let i = 0; i < 60; i++) {
        // Now and then back to the file as it was, so that edits also land in otherwise clean files.
        const base = random() < 0.3 ? start : syntax.text;
        syntax = analyzeSyntax(edit(base, random), { previous: syntax });
        expectSameAsWholeParse(syntax);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(2000);
  });

  it("reuses the statements an edit did not touch, as they were", () => {
    const text = generateSpec(200);
    const before = analyzeSyntax(text);
    const at = text.lastIndexOf("reps 2");
    const after = analyzeSyntax(`${text.slice(0, at)}reps 3${text.slice(at + 6)}`, { previous: before });
    expectSameAsWholeParse(after);
    const first = after.ast.statements.slice(0, 10);
    expect(first).toEqual(before.ast.statements.slice(0, 10));
    for (const [i, statement] of first.entries()) expect(statement).toBe(before.ast.statements[i]);
  });
});
