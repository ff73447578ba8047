/**
 * The real training engine, killed with SIGKILL at several points of a tiny
 * plan: rerunning ends with exactly the metrics of an uninterrupted run, and no
 * job that had finished before a kill is started again.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Plan } from "../../src/compiler/plan-types.js";
import { openStore, type RunStore } from "../../src/runtime/store/store.js";
import { tinyRealPlan } from "../executor/fixtures/tiny-points.js";

function drive(storeDir: string, planFile: string): ChildProcess {
  return spawn(process.execPath, ["test/crash/fixtures/drive.mjs", storeDir, planFile], {
    env: { ...process.env, DRIVE_BACKEND: "cpu" },
    stdio: ["ignore", "ignore", "inherit"],
  });
}

function exited(child: ChildProcess): Promise<number | null> {
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

describe("kill -9 of a real run", () => {
  it("resumes to the same final metrics and retrains nothing that had finished", async () => {
    const plan = tinyRealPlan({ epochs: 3, trainSubset: 1024 });
    const dir = await mkdtemp(join(tmpdir(), "lthc-real-crash-"));
    const planFile = join(dir, "plan.json");
    await writeFile(planFile, JSON.stringify(plan));

    const reference = openStore(join(dir, "reference"));
    expect(await exited(drive(reference.dir, planFile))).toBe(0);

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
      const child = drive(store.dir, planFile);
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
    expect(await exited(drive(store.dir, planFile))).toBe(0);

    expect(await outcomes(store, plan)).toEqual(await outcomes(reference, plan));
    for (const [id, before] of finished) {
      expect((await stat(store.paths(id).result)).mtimeMs).toBe(before.mtime);
      expect((await store.readJobRecord(id)).status?.attempts).toBe(before.attempts);
    }
    expect((await store.readJobRecord(dense.id)).status?.attempts).toBeGreaterThan(1);
  });
});
