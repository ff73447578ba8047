/** `lthc run` and `lthc status` as a user runs them, on a tiny real sweep (the build comes from `npm test`). */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Plan } from "../../src/core/plan-types.js";
import { nativeSetupMissing } from "../../src/runtime/setup/installed.js";
import { openStore } from "../../src/runtime/store/store.js";

const SPEC = "test/executor/fixtures/tiny.lth";

function lthc(...args: string[]) {
  const result = spawnSync(process.execPath, ["bin/lthc.js", ...args], { encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("lthc run", { timeout: 180_000 }, () => {
  it("runs a tiny sweep end to end, writes the store and the report, and does nothing the second time", async () => {
    const storeDir = join(mkdtempSync(join(tmpdir(), "lthc-cli-")), "store");
    const first = lthc("run", SPEC, "--store", storeDir, "--plain", "--jobs", "2");
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    const lines = first.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^plan: 9 jobs \(0 already done, 9 to run\) on 2 workers, backend \w+/);
    expect(lines.filter((l) => l.startsWith("start "))).toHaveLength(9);
    expect(first.stdout).toMatch(/finished in \d+s: 9 done, 0 failed/);
    expect(first.stdout).toContain("report: ");

    const plan = JSON.parse(lthc("plan", SPEC, "--json").stdout) as Plan;
    const store = openStore(storeDir);
    for (const job of plan.jobs) {
      const record = await store.readJobRecord(job.id);
      expect(record.job).toEqual(job);
      expect(record.status).toMatchObject({ state: "done", attempts: 1 });
      expect(record.result?.status).toBe("done");
      expect(record.problems).toEqual([]);
      expect((await store.lockState(job.id)).held).toBe(false);
    }
    expect(existsSync(join(storeDir, "report", "report.md"))).toBe(true);

    const second = lthc("run", SPEC, "--store", storeDir, "--plain", "--no-report");
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("(9 already done, 0 to run)");
    expect(second.stdout).not.toMatch(/^start /m);

    const status = lthc("status", SPEC, "--store", storeDir);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^all\s+9\s+0\s+0\s+0\s+9$/m);
    expect(status.stdout).toMatch(/^sweep tiny\s+9/m);
    const json = JSON.parse(lthc("status", SPEC, "--store", storeDir, "--json").stdout);
    expect(json.total).toEqual({ done: 9, running: 0, failed: 0, left: 0, total: 9 });
  });

  it("records a diverging job, skips its dependents and exits 1", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lthc-cli-"));
    const spec = join(dir, "diverge.lth");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(
      spec,
      "sweep boom: lenet(16) {\n  data synthetic(128, 64)\n  epochs 2\n  batch 64\n  lr 1e12\n  milestones []\n  prune global at 50%\n  rewind 1\n}\n",
    );
    const run = lthc("run", spec, "--store", join(dir, "store"), "--plain", "--backend", "cpu");
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^FAILED dense .*diverged/m);
    expect(run.stdout).toMatch(/^FAILED sparse .*skipped: dependency/m);
    const status = lthc("status", spec, "--store", join(dir, "store"));
    expect(status.stdout).toMatch(/failed:\n {2}dense .* — .*diverged/);
    expect(status.stdout).toContain("blocked: dependency");
  });

  it("trains a shared dense run again, once and to the same result, when a new spec needs another rewind point", async () => {
    const { readFileSync, writeFileSync } = await import("node:fs");
    const dir = mkdtempSync(join(tmpdir(), "lthc-cli-"));
    const storeDir = join(dir, "store");
    const original = readFileSync(SPEC, "utf8").replace("epochs 2", "epochs 3");
    writeFileSync(join(dir, "a.lth"), original);
    writeFileSync(join(dir, "b.lth"), original.replace("rewind 1", "rewind 2"));
    const first = lthc("run", join(dir, "a.lth"), "--store", storeDir, "--plain", "--no-report");
    expect(first.stderr + first.stdout.slice(-300)).not.toMatch(/error|FAILED/);
    expect(first.code).toBe(0);
    const plan = JSON.parse(lthc("plan", join(dir, "b.lth"), "--json").stdout) as Plan;
    const dense = plan.jobs.find((j) => j.kind === "dense")!;
    const store = openStore(storeDir);
    const before = (await store.readJobRecord(dense.id)).result;

    const second = lthc("run", join(dir, "b.lth"), "--store", storeDir, "--plain", "--no-report");
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("training it again to the same result");
    expect(second.stdout.match(/^start dense /gm)).toHaveLength(1);
    expect((await store.readJobRecord(dense.id)).result?.metrics).toEqual(before?.metrics);
    const ckpt = join(store.paths(dense.id).checkpoints);
    expect(existsSync(join(ckpt, "keep-e1-s0")) && existsSync(join(ckpt, "keep-e2-s0"))).toBe(true);

    for (const spec of ["a.lth", "b.lth"]) {
      const again = lthc("run", join(dir, spec), "--store", storeDir, "--plain", "--no-report");
      expect(again.stdout).toMatch(/already done, 0 to run/);
    }
  });

  it("prints --json events, one object per line", () => {
    const storeDir = join(mkdtempSync(join(tmpdir(), "lthc-cli-")), "store");
    const run = lthc("run", SPEC, "--store", storeDir, "--json", "--backend", "cpu", "--no-report");
    expect(run.code).toBe(0);
    const events = run.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(events[0].type).toBe("plan");
    expect(events.at(-1)).toMatchObject({ type: "finish", counts: { done: 9 } });
  });

  it("refuses a spec with errors, and bad options, with one message each", () => {
    const missing = lthc("run", "no-such.lth");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: cannot read no-such\.lth/);
    expect(lthc("run", SPEC, "--jobs", "0").stderr).toContain("--jobs must be a positive whole number");
    expect(lthc("run", SPEC, "--backend", "tpu").stderr).toContain("unknown backend 'tpu'");
    const notADir = lthc("run", SPEC, "--store", "package.json");
    expect(notADir.code).toBe(1);
    expect(notADir.stderr).toMatch(/^error: cannot use the run store package\.json: ENOTDIR/);
    expect(notADir.stderr).not.toContain("    at ");
  });

  // The backend is loaded in a child process for this check, as a worker would load it.
  it.skipIf(gpuSetUp())("finds a requested backend that cannot load before any job starts, once", () => {
    const storeDir = join(mkdtempSync(join(tmpdir(), "lthc-cli-")), "store");
    const run = lthc("run", SPEC, "--store", storeDir, "--plain", "--backend", "gpu");
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: cannot start: a problem every job would hit/);
    expect(run.stderr.match(/backend 'gpu' is unavailable/g)).toHaveLength(1);
    expect(run.stderr).not.toContain("    at ");
    expect(run.stdout).not.toContain("done");
  });
});

/** Whether `lthc setup gpu` was run here (package and built binding), in which case --backend gpu may load. */
function gpuSetUp(): boolean {
  return nativeSetupMissing("gpu") === null;
}
