/**
 * kill -9 an executor with worker processes at several points, run again, and
 * check that the store ends as after an uninterrupted run and that no job that
 * had finished was started again. The runner is the fake one (fast, resumable).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { pidAlive } from "../../src/runtime/store/lock.js";
import { openStore, type RunStore } from "../../src/runtime/store/store.js";
import { tinyPlan } from "../executor/fake.js";

const plan = tinyPlan();

/** The driver's events, one JSON line each, kept so that a failure can say what the run was doing. */
const events = new WeakMap<ChildProcess, string[]>();

function drive(storeDir: string, planFile: string, epochMs: number): ChildProcess {
  const child = spawn(process.execPath, ["test/crash/fixtures/drive.mjs", storeDir, planFile], {
    env: { ...process.env, DRIVE_RUNNER: "fake", FAKE_EPOCH_MS: String(epochMs) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines: string[] = [];
  events.set(child, lines);
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => lines.push(...chunk.split("\n").filter(Boolean)));
  return child;
}

/** Where a run stopped short of `what`: the store's jobs and the driver's last events. */
async function stoppedShort(child: ChildProcess, store: RunStore, what: string): Promise<Error> {
  const tail = (events.get(child) ?? []).slice(-15).map((l) => l.slice(0, 300));
  const state = child.exitCode === null ? "still running" : `ended with exit ${child.exitCode}`;
  return new Error(`run ${state} before ${what}:\n${await describe_(store)}\n${tail.join("\n")}`);
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.on("exit", (code) => resolve(code)));
}

/**
 * Polls `condition` every 10 ms. The deadline is generous because a loaded 2-core
 * machine can take many seconds to start a driver and its workers; the moments the
 * test kills at are defined by the store's files, not by time.
 */
async function until(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function workerPids(store: RunStore): Promise<number[]> {
  const pids: number[] = [];
  for (const job of plan.jobs) {
    const file = join(store.paths(job.id).dir, "calls.log");
    if (existsSync(file)) pids.push(...(await readFile(file, "utf8")).trim().split("\n").map(Number));
  }
  return pids;
}

/** Each job's status and files, to say where a run that ended early stopped. */
async function describe_(store: RunStore): Promise<string> {
  const lines: string[] = [];
  for (const job of plan.jobs) {
    const record = await store.readJobRecord(job.id).catch((e: Error) => ({ error: e.message }));
    const dir = store.paths(job.id).dir;
    const files = existsSync(dir) ? readdirSync(dir).join(",") : "-";
    lines.push(`${job.id}: ${JSON.stringify(record)} files ${files}`);
  }
  return lines.join("\n");
}

async function runToEnd(storeDir: string, planFile: string): Promise<void> {
  expect(await exited(drive(storeDir, planFile, 5))).toBe(0);
}

async function metricsOf(store: RunStore): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const job of plan.jobs) out[job.id] = (await store.readJobRecord(job.id)).result?.metrics;
  return out;
}

async function setup() {
  const dir = await mkdtemp(join(tmpdir(), "lthc-crash-"));
  const planFile = join(dir, "plan.json");
  await writeFile(planFile, JSON.stringify(plan));
  return { dir, planFile };
}

describe("kill -9 and run again", { timeout: 180_000 }, () => {
  it("loses nothing and trains nothing twice", async () => {
    const { dir, planFile } = await setup();
    const reference = openStore(join(dir, "reference"));
    await runToEnd(reference.dir, planFile);
    const expected = await metricsOf(reference);

    const store = openStore(join(dir, "crashed"));
    const points: [string, (s: RunStore) => boolean][] = [
      ["after the dense run's first checkpoint", (s) => existsSync(join(s.paths("dense-r1").dir, "ckpt", "last.json"))],
      ["during a sparse job", (s) => existsSync(s.paths("sparser-r1").metrics)],
      ["after the first sparse job finished", (s) => existsSync(s.paths("sparser-r1").result)],
    ];
    const finishedBefore = new Map<string, number>();
    const callsWhenFinished = new Map<string, number>();
    const calls = (id: string) =>
      readFileSync(join(store.paths(id).dir, "calls.log"), "utf8")
        .trim()
        .split("\n").length;
    // Each run that was killed before the dense run finished started it once more.
    let denseRuns = 1;
    for (const [what, reached] of points) {
      const child = drive(store.dir, planFile, 80);
      const ended = await until(() => reached(store) || child.exitCode !== null, what).then(
        () => null,
        (error: Error) => error,
      );
      if (ended !== null || !reached(store)) throw await stoppedShort(child, store, what);
      child.kill("SIGKILL");
      await exited(child);
      if (!existsSync(store.paths("dense-r1").result)) denseRuns++;
      for (const job of plan.jobs) {
        const result = store.paths(job.id).result;
        if (existsSync(result) && !finishedBefore.has(job.id)) {
          finishedBefore.set(job.id, (await stat(result)).mtimeMs);
          callsWhenFinished.set(job.id, calls(job.id));
        }
      }
      // Orphaned workers notice that their parent is gone and exit.
      for (const pid of await workerPids(store)) await until(() => !pidAlive(pid), `worker ${pid} to exit`);
    }
    expect([...finishedBefore.keys()]).toContain("sparser-r1");
    await runToEnd(store.dir, planFile);
    for (const [id, mtime] of finishedBefore) {
      expect((await stat(store.paths(id).result)).mtimeMs).toBe(mtime);
      expect(calls(id)).toBe(callsWhenFinished.get(id));
    }
    expect(await metricsOf(store)).toEqual(expected);
    const dense = await store.readJobRecord("dense-r1");
    expect(dense.status).toMatchObject({ state: "done", attempts: denseRuns });
    expect(denseRuns).toBeGreaterThan(1);
    // Killed runs leave stale locks behind; none of them may pass for a live process.
    for (const job of plan.jobs) {
      const lock = await store.lockState(job.id);
      expect(lock.held && lock.live).toBe(false);
    }
  });
});
