/**
 * `lthc run --on slurm` against a real one-node Slurm cluster (scripts/slurm-local.sh
 * start): the same results as a local run, a dense run split at its rewind checkpoint
 * to the same weights, cancel and resume without retraining, requeue on SIGUSR1,
 * failures recorded with dependents not stranded, concurrent submissions.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import type { Plan } from "../../src/core/plan-types.js";
import { loadCheckpoint } from "../../src/runtime/checkpoint/checkpoint.js";
import { readRecord } from "../../src/runtime/slurm/record.js";
import { finalCheckpointPath } from "../../src/runtime/store/layout.js";
import { openStore } from "../../src/runtime/store/store.js";
import { describeWith } from "../helpers/component.js";
import { slurmMissing } from "../helpers/slurm.js";

/** Real Slurm jobs on two shared cores: generous, since a busy machine is not a failure. */
const LONG = { timeout: 300_000 };
const TINY = "test/executor/fixtures/tiny.lth";
const SLOW = "test/slurm/fixtures/slow.lth";
const CPU = ["--backend", "cpu", "--plain", "--no-report"];

function lthc(...args: string[]) {
  const result = spawnSync(process.execPath, ["bin/lthc.js", ...args], { encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The same, without blocking the test's event loop (for runs that overlap). */
function lthcAsync(...args: string[]): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["bin/lthc.js", ...args], { stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => {
      stdout += c;
    });
    child.on("exit", (code) => resolve({ code, stdout }));
  });
}

const store = () => join(mkdtempSync(join(tmpdir(), "lthc-slurm-")), "store");
const planOf = (spec: string) => JSON.parse(lthc("plan", spec, "--json").stdout) as Plan;

async function results(dir: string, plan: Plan) {
  const s = openStore(dir);
  const out: Record<string, unknown> = {};
  for (const job of plan.jobs) {
    const r = (await s.readJobRecord(job.id)).result;
    out[job.id] = r === null ? null : { metrics: r.metrics, density: r.achievedDensity };
  }
  return out;
}

const localRuns = new Map<string, Promise<Record<string, unknown>>>();

/** Each spec's results from a local `lthc run` (once per spec for the whole file). */
function localResults(spec: string): Promise<Record<string, unknown>> {
  let results_ = localRuns.get(spec);
  if (results_ === undefined) {
    const dir = store();
    expect(lthc("run", spec, "--store", dir, ...CPU).code).toBe(0);
    results_ = results(dir, planOf(spec));
    localRuns.set(spec, results_);
  }
  return results_;
}

async function slurmIds(dir: string, plan: Plan): Promise<string[]> {
  const s = openStore(dir);
  const ids: string[] = [];
  for (const job of plan.jobs)
    ids.push(...((await readRecord(s.paths(job.id).dir))?.parts.map((p) => p.slurmId) ?? []));
  return ids;
}

/** Slurm's state of each job id that it still knows. */
function squeue(ids: string[]): Map<string, string> {
  const out = spawnSync("squeue", ["-h", "--me", "-t", "all", "-o", "%i %T"], { encoding: "utf8" }).stdout;
  const states = new Map<string, string>();
  for (const line of out.trim().split("\n")) {
    const [id, state] = line.split(" ");
    if (id && state && ids.includes(id)) states.set(id, state);
  }
  return states;
}

async function until<T>(what: string, probe: () => T | null | Promise<T | null>, ms = 120_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Submits SLOW to Slurm in a fresh store and waits until its dense run has finished epoch `epoch`. */
async function slowDenseRunAt(epoch: number) {
  const plan = planOf(SLOW);
  const dense = plan.jobs.find((j) => j.kind === "dense")!.id;
  const dir = store();
  const s = openStore(dir);
  expect(lthc("run", SLOW, "--store", dir, "--on", "slurm", ...CPU).code).toBe(0);
  await until(`the dense run's epoch ${epoch}`, async () => {
    const m = await s.readMetrics(dense);
    return m.kind === "ok" && m.value.some((x) => x.epoch >= epoch) ? true : null;
  });
  return { plan, dense, dir, s };
}

const ACTIVE = /^(PENDING|RUNNING|CONFIGURING|COMPLETING|REQUEUED|SUSPENDED)/;
const quiet = (ids: string[]) => [...squeue(ids).values()].every((s) => !ACTIVE.test(s));

/** A dense run's final weights (the checkpoint's tensors, not its time stamp or checksum). */
async function finalWeights(dir: string, jobId: string) {
  const ckpt = await loadCheckpoint(finalCheckpointPath(openStore(dir).paths(jobId).dir));
  return ckpt.params.map((p) => ({ name: p.name, data: Array.from(p.data) }));
}

describeWith("slurm", slurmMissing(), "lthc run --on slurm", () => {
  it(
    "runs a plan through Slurm to the results and final weights of a local run, and submits nothing twice",
    LONG,
    async () => {
      const plan = planOf(TINY);
      const local = store();
      expect(lthc("run", TINY, "--store", local, ...CPU).code).toBe(0);
      localRuns.set(TINY, results(local, plan));
      const remote = store();
      const run = lthc("run", TINY, "--store", remote, "--on", "slurm", "--wait", ...CPU);
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      // The dense run is split at the rewind checkpoint the random masks need: they do not wait for its end.
      expect(run.stdout).toMatch(/^submitted \d+ lthc:tiny:dense:[0-9a-f]{8}-r1@e1$/m);
      const part1 = /^submitted (\d+) lthc:tiny:dense:\S+@e1$/m.exec(run.stdout)![1];
      expect(run.stdout).toMatch(new RegExp(`^submitted \\d+ lthc:tiny:mask:[0-9a-f]{8}-r1 after ${part1}$`, "m"));
      expect(run.stdout).toMatch(/finished in \d+s: 9 done, 0 failed/);
      expect(await results(remote, plan)).toEqual(await results(local, plan));
      const dense = plan.jobs.find((j) => j.kind === "dense")!.id;
      expect(await finalWeights(remote, dense)).toEqual(await finalWeights(local, dense));
      // Slurm's output is kept beside each job.
      const ids = await slurmIds(remote, plan);
      expect(ids).toHaveLength(10);
      const denseDir = openStore(remote).paths(dense).dir;
      const part1Log = readFileSync(join(denseDir, `slurm-${part1}.out`), "utf8");
      expect(part1Log).toMatch(/^epoch 1 dense/m);
      // A part that reached its planned checkpoint says so; it was not interrupted.
      expect(part1Log).toMatch(/^part done dense .*checkpoint at epoch 1; the next Slurm part continues/m);
      expect(part1Log).not.toMatch(/interrupted/);

      const again = lthc("run", TINY, "--store", remote, "--on", "slurm", ...CPU);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain("slurm: 0 submitted, 0 already in Slurm, 9 done");
      // --wait --json: the executor's events, one JSON object per line, the submission summary on stderr.
      const json = lthc("run", TINY, "--store", remote, "--on", "slurm", "--wait", "--json", "--backend", "cpu");
      expect(json.code).toBe(0);
      const events = json.stdout
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line));
      expect(events[0]).toMatchObject({ type: "plan", backend: "slurm" });
      expect(events.at(-1)).toMatchObject({ type: "finish", counts: { done: 9 } });
      expect(json.stderr).toContain("slurm: 0 submitted");
    },
  );

  it(
    "trains a shared dense run again, to the same result, when this plan needs a checkpoint it lacks",
    LONG,
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "lthc-slurm-"));
      const storeDir = join(dir, "store");
      const original = readFileSync(TINY, "utf8").replace("epochs 2", "epochs 3");
      writeFileSync(join(dir, "a.lth"), original);
      writeFileSync(join(dir, "b.lth"), original.replace("rewind 1", "rewind 2"));
      expect(lthc("run", join(dir, "a.lth"), "--store", storeDir, ...CPU).code).toBe(0);
      const plan = planOf(join(dir, "b.lth"));
      const dense = plan.jobs.find((j) => j.kind === "dense")!.id;
      const before = (await openStore(storeDir).readJobRecord(dense)).result?.metrics;
      const run = lthc("run", join(dir, "b.lth"), "--store", storeDir, "--on", "slurm", "--wait", ...CPU);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^submitted \d+ lthc:tiny:dense:\S+@e2$/m);
      expect((await openStore(storeDir).readJobRecord(dense)).result?.metrics).toEqual(before);
    },
  );

  it("records a job Slurm killed without letting it say so, and submits it again", LONG, async () => {
    const { plan, dense, dir, s } = await slowDenseRunAt(2);
    const part = (await readRecord(s.paths(dense).dir))!.parts.at(-1)!.slurmId;
    // SIGKILL to the job's process, as the out-of-memory killer would: no checkpoint, no status written.
    const lock = await s.lockState(dense);
    expect(lock.held).toBe(true);
    if (lock.held) process.kill(lock.owner.pid, "SIGKILL");
    await until("Slurm to let go", () => (quiet([part]) ? true : null), 60_000);
    const again = lthc("run", SLOW, "--store", dir, "--on", "slurm", ...CPU);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(
      new RegExp(
        `^failed in Slurm: dense .* Slurm job ${part} ended [A-Z_]+.* before the job finished; log: \\S+`,
        "m",
      ),
    );
    expect(again.stdout).toMatch(/^submitted \d+ lthc:slow:dense:/m);
    const status = await s.readStatus(dense);
    expect(status.kind === "ok" && status.value.state).toBe("failed");
    expect(lthc("cancel", SLOW, "--store", dir).code).toBe(0);
    await until("Slurm to let go", async () => (quiet(await slurmIds(dir, plan)) ? true : null), 60_000);
  });

  it("submits each job once when two submissions of one plan race", LONG, async () => {
    const plan = planOf(TINY);
    const dir = store();
    const [a, b] = await Promise.all([
      lthcAsync("run", TINY, "--store", dir, "--on", "slurm", ...CPU),
      lthcAsync("run", TINY, "--store", dir, "--on", "slurm", ...CPU),
    ]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const submitted = (a.stdout + b.stdout).match(/^submitted \d+/gm) ?? [];
    expect(submitted).toHaveLength(10);
    const ids = await slurmIds(dir, plan);
    expect(new Set(ids).size).toBe(10);
    await until("the jobs to end", () => (quiet(ids) ? true : null));
    const status = lthc("status", TINY, "--store", dir);
    expect(status.stdout).toMatch(/^all\s+9\s+0\s+0\s+0\s+9$/m);
  });

  it(
    "cancels a job mid-training; the rerun resumes it from its checkpoint to the local run's results",
    LONG,
    async () => {
      const { plan, dense, dir, s } = await slowDenseRunAt(3);
      const cancel = lthc("cancel", SLOW, "--store", dir);
      expect(cancel.code).toBe(0);
      expect(cancel.stdout).toMatch(/^cancelled \d+ dense/m);
      const ids = await slurmIds(dir, plan);
      await until("Slurm to let go", () => (quiet(ids) ? true : null));
      const status = await s.readStatus(dense);
      expect(status.kind === "ok" && status.value.state).toBe("interrupted");
      const epochsBefore = (await s.readMetrics(dense)).kind === "ok";
      expect(epochsBefore).toBe(true);

      const rerun = lthc("run", SLOW, "--store", dir, "--on", "slurm", "--wait", ...CPU);
      expect(rerun.code).toBe(0);
      expect(rerun.stdout).toMatch(/finished in \d+s: 5 done, 0 failed/);
      // The resumed dense run continued from its checkpoint: no epoch before the cancel was trained again.
      const record = await readRecord(s.paths(dense).dir);
      const log = readFileSync(join(s.paths(dense).dir, `slurm-${record!.parts.at(-1)!.slurmId}.out`), "utf8");
      expect(log).toMatch(/^continue dense .* from .*\(epoch [3-6] step \d+\)/m);
      expect(log).not.toMatch(/^epoch [12] dense/m);

      expect(await results(dir, plan)).toEqual(await localResults(SLOW));
    },
  );

  it(
    "on SIGUSR1 (the time limit is near) saves a checkpoint, requeues itself and ends as an uninterrupted run",
    LONG,
    async () => {
      const { plan, dense, dir, s } = await slowDenseRunAt(3);
      const part = (await readRecord(s.paths(dense).dir))!.parts.at(-1)!.slurmId;
      // What sbatch --signal=B:USR1@N sends N seconds before the time limit.
      expect(spawnSync("scancel", ["--signal=USR1", "--batch", part]).status).toBe(0);
      const reason = () => spawnSync("squeue", ["-h", "-j", part, "-o", "%T %r"], { encoding: "utf8" }).stdout.trim();
      await until("the requeue", () => (reason() === "PENDING BeginTime" ? true : null), 60_000);
      // Slurm holds a requeued job back for two minutes; the test need not wait for that, only for the
      // node to finish cleaning up after the first run (a launch onto it before then fails).
      await new Promise((resolve) => setTimeout(resolve, 5000));
      expect(spawnSync("scontrol", ["update", `JobId=${part}`, "StartTime=now"]).status).toBe(0);
      const follow = lthc("run", SLOW, "--store", dir, "--on", "slurm", "--wait", ...CPU);
      expect(follow.code).toBe(0);
      expect(follow.stdout).toContain("slurm: 0 submitted");
      const log = readFileSync(join(s.paths(dense).dir, `slurm-${part}.out`), "utf8");
      expect(log).toContain("SIGUSR1 from Slurm");
      expect(log).toMatch(/^continue dense .* from /m);
      expect(await results(dir, plan)).toEqual(await localResults(SLOW));
    },
  );

  it("submits without the local pre-flight only when told to (--no-local-check)", LONG, async () => {
    const dir = mkdtempSync(join(tmpdir(), "lthc-slurm-"));
    const spec = join(dir, "cifar.lth");
    writeFileSync(
      spec,
      readFileSync(TINY, "utf8").replace("data synthetic(256, 128)", "data cifar10(train=256, test=128)"),
    );
    const storeDir = join(dir, "store");
    // No dataset anywhere, here or (the jobs inherit this environment) on the node.
    const env = { PATH: process.env.PATH ?? "", HOME: dir };
    const run = (...extra: string[]) =>
      spawnSync(
        process.execPath,
        ["bin/lthc.js", "run", spec, "--store", storeDir, "--on", "slurm", ...CPU, ...extra],
        {
          encoding: "utf8",
          env,
        },
      );
    const checked = run();
    expect(checked.status).toBe(1);
    expect(checked.stderr).toContain("dataset cifar10 not found");
    expect(checked.stdout).not.toContain("submitted");
    const unchecked = run("--no-local-check", "--wait");
    expect(unchecked.stdout).toMatch(/^submitted \d+ lthc:tiny:dense/m);
    // The job finds no data on the node either: it fails there, with the dataset's message.
    expect(unchecked.status).toBe(1);
    expect(unchecked.stdout).toMatch(/^FAILED dense .*cifar10/m);
  });

  it("records a failure like a local one, shows it in lthc status, and leaves no dependent pending", LONG, async () => {
    const dir = mkdtempSync(join(tmpdir(), "lthc-slurm-"));
    const spec = join(dir, "diverge.lth");
    writeFileSync(
      spec,
      "sweep boom: lenet(16) {\n  data synthetic(128, 64)\n  epochs 2\n  batch 64\n  lr 1e12\n  milestones []\n  prune global at 50%\n  rewind 1\n}\n",
    );
    const storeDir = join(dir, "store");
    const plan = planOf(spec);
    const run = lthc("run", spec, "--store", storeDir, "--on", "slurm", "--wait", ...CPU);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^FAILED dense .*diverged/m);
    expect(run.stdout).toMatch(/^FAILED sparse .*skipped: dependency/m);
    const ids = await slurmIds(storeDir, plan);
    await until("Slurm to let go", () => (quiet(ids) ? true : null), 30_000);
    const status = lthc("status", spec, "--store", storeDir);
    expect(status.stdout).toMatch(
      /failed:\n {2}dense .* — .*diverged.* — slurm \d+ FAILED \(NonZeroExitCode\) exit 1:0, log \S+slurm-\d+\.out/,
    );
    // A dependent that never started has no log to point to.
    expect(status.stdout).toMatch(
      /blocked: dependency .* — slurm \d+ CANCELLED \(DependencyNeverSatisfied\), no log \(it never started\)/,
    );
    // Rerunning submits nothing that would only fail again.
    const again = lthc("run", spec, "--store", storeDir, "--on", "slurm", ...CPU);
    expect(again.stdout).toContain("slurm: 0 submitted");
    expect(again.stdout).toMatch(/^not submitted dense .*would fail again/m);
  });
});
