/**
 * `lthc run` on the real training engine, killed with SIGKILL at several points
 * of a tiny sweep: rerunning ends with exactly the metrics of an uninterrupted
 * run, and no job that had finished before a kill is started again.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Plan } from "../../src/core/plan-types.js";
import { openStore, type RunStore } from "../../src/runtime/store/store.js";

const SPEC = "test/crash/fixtures/crash.lth";

function lthcRun(storeDir: string): ChildProcess {
  return spawn(
    process.execPath,
    ["bin/lthc.js", "run", SPEC, "--store", storeDir, "--plain", "--jobs", "2", "--backend", "cpu", "--no-report"],
    {
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
}

function planOf(): Plan {
  const out = execFileSync(process.execPath, ["bin/lthc.js", "plan", SPEC, "--json"], { encoding: "utf8" });
  return JSON.parse(out) as Plan;
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.on("exit", (code) => resolve(code)));
}

/** Resolves when `reached` holds, or with false when the run ended first. */
async function until(child: ChildProcess, reached: () => boolean): Promise<boolean> {
  let ended = false;
  child.on("exit", () => {
    ended = true;
  });
  while (!ended) {
    if (reached()) return true;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return false;
}

async function outcomes(store: RunStore, plan: Plan) {
  const out: Record<string, unknown> = {};
  for (const job of plan.jobs) {
    const result = (await store.readJobRecord(job.id)).result;
    out[job.id] = result && { metrics: result.metrics, achievedDensity: result.achievedDensity };
  }
  return out;
}

// Several real runs, each starting worker processes: slow on a loaded 2-core machine.
describe("kill -9 of a real lthc run", { timeout: 240_000 }, () => {
  it("resumes to the same final metrics and retrains nothing that had finished", async () => {
    const plan = planOf();
    const dir = await mkdtemp(join(tmpdir(), "lthc-real-crash-"));

    const reference = openStore(join(dir, "reference"));
    expect(await exited(lthcRun(reference.dir))).toBe(0);

    const store = openStore(join(dir, "crashed"));
    const dense = plan.jobs.find((j) => j.kind === "dense")!;
    const sparse = plan.jobs.filter((j) => j.kind === "sparse");
    const killPoints: (() => boolean)[] = [
      () => existsSync(join(store.paths(dense.id).checkpoints, "resume")),
      () => sparse.some((j) => existsSync(join(store.paths(j.id).checkpoints, "resume"))),
      () => sparse.some((j) => existsSync(store.paths(j.id).result)),
    ];
    const finished = new Map<string, { mtime: number; attempts: number }>();
    let kills = 0;
    for (const reached of killPoints) {
      const child = lthcRun(store.dir);
      if (await until(child, reached)) {
        child.kill("SIGKILL");
        kills++;
      }
      await exited(child);
      for (const job of plan.jobs) {
        if (finished.has(job.id) || !(await store.isDone(job.id))) continue;
        const record = await store.readJobRecord(job.id);
        finished.set(job.id, {
          mtime: (await stat(store.paths(job.id).result)).mtimeMs,
          attempts: record.status!.attempts,
        });
      }
    }
    expect(kills).toBeGreaterThanOrEqual(2);
    expect(await exited(lthcRun(store.dir))).toBe(0);

    expect(await outcomes(store, plan)).toEqual(await outcomes(reference, plan));
    for (const [id, before] of finished) {
      expect((await stat(store.paths(id).result)).mtimeMs).toBe(before.mtime);
      expect((await store.readJobRecord(id)).status?.attempts).toBe(before.attempts);
    }
    expect((await store.readJobRecord(dense.id)).status?.attempts).toBeGreaterThan(1);
  });
});
