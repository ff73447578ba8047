/** `lthc plan` as a user runs it (the build comes from `npm test`'s pretest). */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Plan } from "../../src/core/plan-types.js";

const VERBATIM = "test/golden/plans/01-verbatim.lth";

function lthc(...args: string[]) {
  const result = spawnSync("node", ["bin/lthc.js", ...args], { encoding: "utf8", maxBuffer: 1 << 28 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("lthc plan", () => {
  it("--json prints the whole plan with integer summary fields", () => {
    const { code, stdout } = lthc("plan", VERBATIM, "--json");
    expect(code).toBe(0);
    const plan = JSON.parse(stdout) as Plan;
    expect(plan.summary).toMatchObject({ points: 480, denseRuns: 16, sparseRuns: 480 });
    expect(plan.summary.trainEpochs).toBe(16 * 160 + 480 * 152);
    expect(plan.summary.naiveTrainEpochs).toBe(480 * (160 + 152));
    for (const key of ["points", "denseRuns", "sparseRuns", "trainEpochs", "naiveTrainEpochs"] as const) {
      expect(Number.isInteger(plan.summary[key])).toBe(true);
    }
    expect(plan.jobs).toHaveLength(16 + 480 + 480);
    for (const job of plan.jobs) {
      expect(job).toHaveProperty("id");
      expect(job).toHaveProperty("kind");
      expect(Array.isArray(job.dependsOn)).toBe(true);
      expect(job).toHaveProperty("config");
    }
  });

  it("prints a readable summary", () => {
    const { code, stdout } = lthc("plan", VERBATIM);
    expect(code).toBe(0);
    expect(stdout).toContain("480 points");
    expect(stdout).toContain("16 dense runs, 480 mask jobs, 480 sparse runs");
    expect(stdout).toContain("75,520 with sharing, 149,760 without");
  });

  it("--explain N prints point N (1-based) fully resolved", () => {
    const { code, stdout } = lthc("plan", VERBATIM, "--explain", "3");
    expect(code).toBe(0);
    expect(stdout).toContain("point 3 of 480");
    expect(stdout).toMatch(/pgd\(linf, eps=0\.1, steps=1, step size=0\.1/);
    expect(stdout).toContain("rewind          8ep");
    expect(stdout).toMatch(/dense job +dense-[0-9a-f]{16}-r\d/);
    const bad = lthc("plan", VERBATIM, "--explain", "481");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("points are numbered 1 to 480");
  });

  it("--explain alone prints the first point of every sweep", () => {
    const { code, stdout } = lthc("plan", "test/golden/plans/08-two-sweeps-dedup.lth", "--explain");
    expect(code).toBe(0);
    expect(stdout).toContain("sweep a");
    expect(stdout).toContain("sweep b");
  });

  it("--gpus without --throughput is a usage error with a hint", () => {
    const { code, stdout, stderr } = lthc("plan", VERBATIM, "--gpus", "4");
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toContain("--gpus sizes a schedule and needs --throughput");
    expect(stderr).toContain("hint: measure images/s with `lthc bench`");
  });

  it("sums exact per-job image passes: three dense runs of x.333 passes are 73,600,000, not 73,599,999", () => {
    const { code, stdout } = lthc("plan", "test/golden/plans/02-dense-only.lth", "--json");
    expect(code).toBe(0);
    const plan = JSON.parse(stdout) as Plan;
    const exact = plan.jobs.reduce((sum, job) => sum + job.cost.imagePasses, 0);
    expect(plan.summary.imagePasses).toBe(Math.round(exact));
    expect(plan.summary.imagePasses).toBe(73_600_000);
  });

  it("reports a missing file and spec errors without a stack trace", () => {
    const missing = lthc("plan", "no/such/file.lth");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("no/such/file.lth: no such file");
    expect(missing.stderr).not.toMatch(/\n\s+at /);
    const dir = mkdtempSync(join(tmpdir(), "lthc-plan-"));
    const bad = join(dir, "bad.lth");
    writeFileSync(bad, "sweep wrn(21, 1) prune global at 50%\n");
    const result = lthc("plan", bad, "--json");
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(`${bad}:1:`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("lthc plan on a file without sweeps", () => {
  it("prints an empty plan and refuses to explain", () => {
    const dir = mkdtempSync(join(tmpdir(), "lthc-plan-"));
    const empty = join(dir, "empty.lth");
    writeFileSync(empty, "# nothing yet\nepochs 10\n");
    const json = lthc("plan", empty, "--json");
    expect(json.code).toBe(0);
    expect((JSON.parse(json.stdout) as Plan).summary).toMatchObject({ points: 0, denseRuns: 0, trainEpochs: 0 });
    const explained = lthc("plan", empty, "--explain");
    expect(explained.code).toBe(1);
    expect(explained.stderr).toContain("no points to explain");
  });
});
