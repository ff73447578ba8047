import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze, formatSpec } from "../../src/compiler/index.js";

function lthFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? lthFiles(join(dir, e.name)) : e.name.endsWith(".lth") ? [join(dir, e.name)] : [],
  );
}

const corpus = [...lthFiles("specs"), ...lthFiles("test/golden")];

const comments = (text: string) =>
  analyze(text, "t")
    .tokens.filter((t) => t.kind === "comment")
    .map((t) => t.text.trim());

describe("formatSpec", () => {
  it("leaves the shipped specs unchanged (they are formatted)", () => {
    for (const file of lthFiles("specs")) {
      const text = readFileSync(file, "utf8");
      expect(formatSpec(text), file).toBe(text);
    }
  });

  it.each(corpus)("is idempotent, keeps comments and meaning: %s", (file) => {
    const text = readFileSync(file, "utf8");
    const once = formatSpec(text);
    if (once === null) {
      expect(analyze(text, file).diagnostics.some((d) => d.code === "E001" || d.code === "E002")).toBe(true);
      return;
    }
    expect(formatSpec(once)).toBe(once);
    expect(comments(once)).toEqual(comments(text));
    const before = analyze(text, file);
    const after = analyze(once, file);
    expect(after.points).toEqual(before.points);
    expect(after.diagnostics.map((d) => d.code)).toEqual(before.diagnostics.map((d) => d.code));
  });

  it("canonicalises spacing and layout", () => {
    const text =
      "# top\nlet   eps=0.1   # radius\n\n\n\nepochs   160\nsweep  a :  resnet( 20 )\n under pgd( linf,eps , 2 ,step = eps/2)   # trailing\n\n  # own line\n at [ 50% , 20%]{lr 0.05\n # inside\n }\n";
    expect(formatSpec(text)).toBe(
      "# top\nlet eps = 0.1  # radius\n\nepochs 160\nsweep a: resnet(20)\n  under pgd(linf, eps, 2, step=eps/2)  # trailing\n\n  # own line\n  at [50%, 20%] {\n    lr 0.05\n    # inside\n  }\n",
    );
  });

  it("keeps trailing comments after multi-line values and comments inside values verbatim", () => {
    const text = "sweep a: resnet(20)\n  under pgd(linf,  # radius next\n     0.1, 2)\n  at [50%,\n 20%] # d\n# tail\n";
    expect(formatSpec(text)).toBe(
      "sweep a: resnet(20)\n  under pgd(linf,  # radius next\n     0.1, 2)\n  at [50%, 20%]  # d\n# tail\n",
    );
  });

  it("keeps a one-line sweep on one line", () => {
    const line =
      "sweep wrn(20, k in [1, 8]) under pgd(linf, 0.1, n in [1, 2, 4, 8]) prune global|random at w in 80%^[2..16] rewind 8 reps 2\n";
    expect(formatSpec(line.replace(/, /g, ","))).toBe(line);
  });

  it("returns null for text with syntax errors", () => {
    expect(formatSpec("sweep resnet(20")).toBeNull();
    expect(formatSpec("")).toBe("");
  });
});
