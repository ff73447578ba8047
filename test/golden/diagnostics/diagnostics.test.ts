/**
 * Golden diagnostics: each NN-name.lth here has NN-name.expected holding what
 * `lthc check` prints for it. `UPDATE_GOLDEN=1 npx vitest run test/golden` rewrites
 * the expected files; review the diff.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze, renderDiagnostics } from "../../../src/compiler/index.js";

const dir = "test/golden/diagnostics";
const cases = readdirSync(dir)
  .filter((f) => f.endsWith(".lth"))
  .sort();

function render(file: string): string {
  const text = readFileSync(join(dir, file), "utf8");
  const a = analyze(text, file);
  const body = renderDiagnostics(a.diagnostics, text, file);
  const errors = a.diagnostics.filter((d) => d.severity === "error").length;
  const summary = `-- ${errors} errors, ${a.diagnostics.length - errors} warnings, ${a.points.length} points`;
  return `${body ? `${body}\n` : ""}${summary}\n`;
}

describe("golden diagnostics", () => {
  it("has at least 20 cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  it.each(cases)("%s", (file) => {
    const expectedFile = join(dir, file.replace(/\.lth$/, ".expected"));
    const actual = render(file);
    if (process.env.UPDATE_GOLDEN) writeFileSync(expectedFile, actual);
    expect(actual).toBe(readFileSync(expectedFile, "utf8"));
  });
});
