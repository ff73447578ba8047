import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// Runs the built CLI (`npm test` builds first).
function lthc(...args: string[]) {
  const r = spawnSync("node", ["bin/lthc.js", ...args], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("lthc check", () => {
  it("exits 0 on clean specs and prints a summary", () => {
    const r = lthc("check", "specs/thesis.lth", "specs/rewind.lth");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("ok: 2 files checked, 0 errors, 0 warnings, 536 points\n");
  });

  it("exits 1 with rendered diagnostics on errors, and allows warnings", () => {
    const dir = mkdtempSync(join(tmpdir(), "lthc-check-"));
    const bad = join(dir, "bad.lth");
    writeFileSync(bad, "sweep wrm(20, 1)\n");
    const r = lthc("check", bad);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${bad}:1:7: error[E011]: unknown model \`wrm\``);
    expect(r.stderr).toContain("hint: did you mean `wrn`?");
    const warn = join(dir, "warn.lth");
    writeFileSync(warn, "let unused = 1\nsweep lenet(300, 100)\n");
    expect(lthc("check", warn).code).toBe(0);
  });

  it("reports a missing file or a directory as one clean error", () => {
    const r = lthc("check", "no/such/file.lth", "specs");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error: no/such/file.lth: no such file");
    expect(r.stderr).toContain("specs: is a directory");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("never prints a stack trace for binary garbage", () => {
    const dir = mkdtempSync(join(tmpdir(), "lthc-check-"));
    const junk = join(dir, "junk.lth");
    writeFileSync(junk, Buffer.from([0, 255, 10, 35, 40, 91, 123, 0xe2, 0x28, 0xa1]));
    const r = lthc("check", junk);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("lthc fmt", () => {
  it("prints, checks and writes canonical formatting", () => {
    const dir = mkdtempSync(join(tmpdir(), "lthc-fmt-"));
    const file = join(dir, "a.lth");
    writeFileSync(file, "epochs   10 # ten\nsweep  resnet( 20 )\n");
    expect(lthc("fmt", file).stdout).toBe("epochs 10  # ten\nsweep resnet(20)\n");
    expect(lthc("fmt", "--check", file).code).toBe(1);
    expect(lthc("fmt", "--write", file).code).toBe(0);
    expect(readFileSync(file, "utf8")).toBe("epochs 10  # ten\nsweep resnet(20)\n");
    expect(lthc("fmt", "--check", file).code).toBe(0);
  });

  it("checks and writes several files, going on past one it cannot format", () => {
    const dir = mkdtempSync(join(tmpdir(), "lthc-fmt-"));
    const [clean, messy, broken] = ["clean.lth", "messy.lth", "broken.lth"].map((name) => join(dir, name));
    writeFileSync(clean, "sweep resnet(20)\n");
    writeFileSync(messy, "sweep  resnet( 20 )\n");
    copyFileSync("test/golden/diagnostics/22-syntax-errors.lth", broken);
    const check = lthc("fmt", "--check", clean, messy);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain("messy.lth: not formatted");
    expect(check.stderr).not.toContain("clean.lth");
    const write = lthc("fmt", "--write", broken, messy);
    expect(write.code).toBe(1);
    expect(write.stderr).toContain("has syntax errors");
    expect(readFileSync(messy, "utf8")).toBe("sweep resnet(20)\n");
    expect(lthc("fmt", "--check", clean, messy).code).toBe(0);
    const print = lthc("fmt", clean, messy);
    expect(print.code).toBe(1);
    expect(print.stderr).toContain("add --check or --write");
  });

  it("refuses text with syntax errors, cleanly", () => {
    const dir = mkdtempSync(join(tmpdir(), "lthc-fmt-"));
    const file = join(dir, "b.lth");
    copyFileSync("test/golden/diagnostics/22-syntax-errors.lth", file);
    const r = lthc("fmt", file);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("has syntax errors");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
