/**
 * `lthc run --on slurm` makes the local run's pre-flight checks before it submits anything
 * (needs no Slurm: a failing check stops before sbatch).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

function setUp() {
  const dir = mkdtempSync(join(tmpdir(), "lthc-slurm-preflight-"));
  const spec = join(dir, "cifar.lth");
  const tiny = readFileSync("test/executor/fixtures/tiny.lth", "utf8");
  writeFileSync(spec, tiny.replace("data synthetic(256, 128)", "data cifar10(train=256, test=128)"));
  mkdirSync(join(dir, "home"));
  mkdirSync(join(dir, "empty"));
  // No dataset anywhere lthc looks: a fresh home, none of the dataset variables.
  const env: Record<string, string> = { PATH: process.env.PATH ?? "", HOME: join(dir, "home") };
  const lthc = (...args: string[]) =>
    spawnSync(process.execPath, ["bin/lthc.js", ...args], { encoding: "utf8", env, cwd: process.cwd() });
  return { dir, spec, store: join(dir, "store"), lthc };
}

describe("lthc run --on slurm pre-flight", () => {
  it("submits nothing when a dataset the jobs need is missing, and says how to point at data the nodes see", () => {
    const { dir, spec, store, lthc } = setUp();
    const run = lthc("run", spec, "--store", store, "--on", "slurm", "--data-dir", join(dir, "empty"), "--plain");
    expect(run.status).toBe(1);
    expect(run.stdout).not.toMatch(/submitted/);
    expect(run.stderr.match(/dataset cifar10 not found/g)).toHaveLength(1);
    // The --data-dir given is among the places searched.
    expect(run.stderr).toContain(join(dir, "empty", "cifar-10-batches-bin"));
    expect(run.stderr).toContain("nothing was submitted");
    expect(run.stderr).toContain("--no-local-check");
    expect(run.stderr).not.toMatch(/^\s+at /m);
    const jobs = existsSync(join(store, "jobs")) ? readdirSync(join(store, "jobs")) : [];
    for (const job of jobs) expect(existsSync(join(store, "jobs", job, "slurm-jobs.json"))).toBe(false);
  });

  it("--no-local-check is refused without --on slurm", () => {
    const { spec, store, lthc } = setUp();
    const run = lthc("run", spec, "--store", store, "--no-local-check", "--plain");
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("--no-local-check is for --on slurm");
  });
});
