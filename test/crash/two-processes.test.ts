/** Two executor processes on one store at once: every job runs exactly once, and both finish with everything done. */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ExecutorEvent } from "../../src/runtime/executor-events.js";
import { openStore } from "../../src/runtime/store/store.js";
import { tinyPlan } from "../executor/fake.js";

function drive(storeDir: string, planFile: string): Promise<{ code: number | null; events: ExecutorEvent[] }> {
  const child = spawn(process.execPath, ["test/crash/fixtures/drive.mjs", storeDir, planFile], {
    env: { ...process.env, DRIVE_RUNNER: "fake", FAKE_EPOCH_MS: "150" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
  });
  return new Promise((resolve) =>
    child.on("close", (code) => {
      const events = out
        .trim()
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as ExecutorEvent);
      resolve({ code, events });
    }),
  );
}

describe("two lthc runs on one store", { timeout: 120_000 }, () => {
  it("never run the same job twice", async () => {
    const dir = await mkdtemp(join(tmpdir(), "lthc-two-"));
    const plan = tinyPlan();
    const planFile = join(dir, "plan.json");
    await writeFile(planFile, JSON.stringify(plan));
    const store = openStore(join(dir, "store"));
    const [a, b] = await Promise.all([drive(store.dir, planFile), drive(store.dir, planFile)]);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    for (const job of plan.jobs) {
      const calls = readFileSync(join(store.paths(job.id).dir, "calls.log"), "utf8")
        .trim()
        .split("\n");
      expect(calls).toHaveLength(1);
      expect(await store.isDone(job.id)).toBe(true);
    }
    const started = [...a.events, ...b.events].filter((e) => e.type === "job-start");
    expect(started).toHaveLength(plan.jobs.length);
    const waited = [...a.events, ...b.events].some(
      (e) => e.type === "job-progress" && e.event.type === "log" && e.event.message.startsWith("locked by another"),
    );
    expect(waited).toBe(true);
  });
});
