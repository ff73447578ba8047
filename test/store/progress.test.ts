import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatProgress } from "../../src/cli/commands/status.js";
import type { Plan } from "../../src/core/plan-types.js";
import { execute } from "../../src/runtime/executor/executor.js";
import { inProcessPool } from "../../src/runtime/executor/pool.js";
import { planProgress } from "../../src/runtime/store/progress.js";
import { openStore } from "../../src/runtime/store/store.js";
import { fakeRunner, tinyPlan } from "../executor/fake.js";

function planWithPoints(): Plan {
  const { jobs } = tinyPlan();
  const point = (sparse: string) => ({ sweep: "s", params: {}, replicate: 1, dense: "dense-r1", sparse, tolerance: 0 });
  return {
    version: 1,
    summary: {} as Plan["summary"],
    points: [point("sparsem-r1"), point("sparser-r1")],
    jobs,
  };
}

describe("plan progress", () => {
  it("counts done, failed, left and running jobs per kind and per sweep", async () => {
    const store = openStore(await mkdtemp(join(tmpdir(), "lthc-progress-")));
    const plan = planWithPoints();
    const before = await planProgress(store, plan);
    expect(before.total).toEqual({ done: 0, running: 0, failed: 0, left: 5, total: 5 });

    const runner = fakeRunner({ fail: new Set(["maskm-r1"]) });
    await execute({ plan, store, pool: inProcessPool(runner.runner, 1), onEvent: () => {}, pollMs: 10 }).done;
    const lock = await store.tryLock("sparser-r1");
    await writeFile(store.paths("sparser-r1").result, "{torn");
    const after = await planProgress(store, plan);
    expect(after.total).toEqual({ done: 2, running: 1, failed: 1, left: 1, total: 5 });
    expect(after.byKind.mask).toEqual({ done: 1, running: 0, failed: 1, left: 0, total: 2 });
    expect(after.bySweep.s.total).toBe(5);
    const failed = after.jobs.find((j) => j.id === "maskm-r1");
    expect(failed).toMatchObject({ state: "failed", detail: expect.stringContaining("NaN") });
    const running = after.jobs.find((j) => j.id === "sparser-r1");
    expect(running).toMatchObject({ state: "running", detail: expect.stringContaining(`pid ${process.pid}`) });
    expect(running?.problems[0]).toContain("result.json");
    const text = formatProgress(after);
    expect(text).toMatch(/^all\s+2\s+1\s+1\s+1\s+5$/m);
    expect(text).toContain("sweep s");
    expect(text).toContain("damaged files");
    await lock?.release();
  });

  it("says which failures later runs will not retry", async () => {
    const store = openStore(await mkdtemp(join(tmpdir(), "lthc-progress-")));
    const plan = planWithPoints();
    const runner = fakeRunner({ diverge: new Set(["dense-r1"]) });
    await execute({ plan, store, pool: inProcessPool(runner.runner, 1), onEvent: () => {}, pollMs: 10 }).done;
    const dense = (await planProgress(store, plan)).jobs.find((j) => j.id === "dense-r1");
    expect(dense?.detail).toMatch(/^diverged .* \(would fail again: not retried without --retry-failed\)$/);
  });
});
