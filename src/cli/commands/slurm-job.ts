/**
 * `lthc slurm-job --store DIR --job ID [--until E.S]` (hidden): what each Slurm
 * job that `lthc run --on slurm` submits runs. It runs one plan job against the
 * store through the same executor as `lthc run` (locks, status, recovery from
 * damaged files), in this process, and:
 *  - with --until, stops once the checkpoint at that time is written (a part of
 *    a dense run that dependents wait for); the next part resumes from it;
 *  - on SIGUSR1 (sbatch --signal=B:USR1@N, before the time limit or a
 *    preemption), saves a checkpoint and requeues itself with `scontrol requeue`;
 *  - on SIGTERM (scancel), saves a checkpoint and stops; `lthc run --on slurm` resumes it.
 * Exit status 0 when the job (or the part) is done, 1 when it failed, so that
 * Slurm's afterok holds back, and --kill-on-invalid-dep cancels, its dependents.
 */
import { resolve } from "node:path";
import type { Command } from "commander";
import type { TrainTime } from "../../core/config.js";
import type { Job } from "../../core/plan-types.js";
import { UserError } from "../../core/user-error.js";
import { execute } from "../../runtime/executor/executor.js";
import { inProcessPool, type WorkerPool } from "../../runtime/executor/pool.js";
import type { ExecutorEvent } from "../../runtime/executor-events.js";
import type { JobOutcome } from "../../runtime/job-api.js";
import { jobLabel } from "../../runtime/job-labels.js";
import { requeue } from "../../runtime/slurm/commands.js";
import { readRecord } from "../../runtime/slurm/record.js";
import { keptCheckpointPath } from "../../runtime/store/layout.js";
import { openStore } from "../../runtime/store/store.js";
import { duration } from "../ui/format.js";
import { createReporter } from "../ui/reporter.js";
import { lthcHint } from "./hint.js";

interface SlurmJobOptions {
  store: string;
  job: string;
  until?: string;
  backend?: string;
  dataDir?: string;
}

export function registerSlurmJob(program: Command): void {
  program
    .command("slurm-job", { hidden: true })
    .description("run one plan job inside a Slurm job (submitted by `lthc run --on slurm`)")
    .requiredOption("--store <dir>", "run store directory")
    .requiredOption("--job <id>", "the plan job's id")
    .option("--until <epoch.step>", "stop once the checkpoint at this training time is written")
    .option("--backend <name>", "tfjs backend")
    .option("--data-dir <dir>", "where datasets live")
    .action(async (options: SlurmJobOptions) => {
      process.exitCode = await slurmJob(options);
    });
}

function parseTime(text: string): TrainTime {
  const m = /^(\d+)\.(\d+)$/.exec(text);
  if (!m) throw new UserError(`--until ${text}: expected <epoch>.<step>`);
  return { epoch: Number(m[1]), step: Number(m[2]) };
}

/** Stop a job once it has written the checkpoint at `until`: that ends this part. */
function stoppingAt(pool: WorkerPool, path: string, onReached: () => void): WorkerPool {
  return {
    ...pool,
    run(slot, assignment, onEvent) {
      let handle: ReturnType<WorkerPool["run"]> | null = null;
      let reached = false;
      handle = pool.run(slot, assignment, (event) => {
        onEvent(event);
        if (event.type === "checkpoint" && event.path === path) {
          reached = true;
          onReached();
          // In this process the runner sees the abort before its next step: it ends exactly at `until`.
          handle?.abort();
        }
      });
      if (reached) handle.abort();
      return handle;
    },
  };
}

async function slurmJob(options: SlurmJobOptions): Promise<number> {
  const store = openStore(options.store);
  // The submitting plan's copy of the job (its keep list may differ from job.json's), else job.json.
  const submitted = await readRecord(store.paths(options.job).dir);
  const job: Job | null = submitted?.job ?? (await store.readJobRecord(options.job)).job;
  if (job === null) {
    throw new UserError(`no job.json for ${options.job} in ${store.dir}`, "submit with `lthc run FILE --on slurm`");
  }
  if (options.dataDir) process.env.LTHC_DATA_DIR = resolve(options.dataDir);
  const until = options.until === undefined ? null : parseTime(options.until);
  // Loaded here, not at the top: the module brings tfjs, which the other commands do not need.
  const { loadBackend, loadRunner } = await import("../../runtime/worker/load.js");
  const backend = await loadBackend(options.backend);
  const runner = await loadRunner(process.env.LTHC_RUNNER_MODULE);
  let pool = inProcessPool(runner, 1, backend);
  // Set when this part stopped where it was planned to stop: its end is then no interruption.
  let partDone = false;
  if (until !== null) {
    pool = stoppingAt(pool, keptCheckpointPath(store.paths(job.id).dir, until), () => {
      partDone = true;
    });
  }

  const reporter = createReporter({ mode: "plain" });
  let outcome: JobOutcome | null = null;
  let signalled: "USR1" | "TERM" | null = null;
  const run = execute({
    plan: { jobs: [job] },
    store,
    pool,
    onEvent: (event: ExecutorEvent) => {
      if (event.type === "job-end") outcome = event.outcome;
      if (until !== null && partDone && signalled === null) {
        // The log of a part that reached its checkpoint reads as what it is, not as an interruption.
        if (event.type === "job-end" && event.outcome.status === "interrupted") {
          process.stdout.write(
            `part done ${jobLabel(job)}: trained to its checkpoint at epoch ${until.epoch}; ` +
              "the next Slurm part continues from there\n",
          );
          return;
        }
        if (event.type === "finish") {
          process.stdout.write(`finished this part in ${duration(event.seconds)}\n`);
          return;
        }
      }
      reporter.handle(event);
    },
  });
  const onUsr1 = () => {
    signalled = "USR1";
    process.stdout.write("SIGUSR1 from Slurm: saving a checkpoint, then requeueing\n");
    run.stop();
  };
  const onTerm = () => {
    signalled ??= "TERM";
    process.stdout.write("SIGTERM from Slurm: saving a checkpoint and stopping\n");
    run.stop();
  };
  process.on("SIGUSR1", onUsr1);
  process.on("SIGTERM", onTerm);
  const result = await run.done;
  await reporter.close();
  const ended = outcome as JobOutcome | null;
  if (signalled === "USR1" && process.env.SLURM_JOB_ID && ended?.status !== "done") {
    // The checkpoint is on disk: back in the queue under the same id, so dependents keep waiting for it.
    await markInterrupted(store, job.id, "signalled by Slurm (time limit or preemption); requeued");
    await requeue(process.env.SLURM_JOB_ID);
    return 0;
  }
  if (ended?.status === "failed") {
    // A job that could not start (its needs were never produced) ends without the executor writing its status.
    const status = await store.readStatus(job.id);
    if (status.kind !== "ok" || status.value.state !== "failed") {
      const attempts = status.kind === "ok" ? status.value.attempts : 0;
      await store.writeStatus(job.id, { state: "failed", attempts, reason: ended.reason });
    }
    return 1;
  }
  if (ended?.status === "interrupted" || result.exitCode === 130) {
    if (signalled !== null) {
      await markInterrupted(
        store,
        job.id,
        `cancelled in Slurm; ${lthcHint("run", "FILE", { store: store.dir, slurm: true })} resumes it`,
      );
      return 143;
    }
    if (until !== null) {
      await markInterrupted(store, job.id, `part ended at epoch ${until.epoch}; the next Slurm part continues`);
      return 0;
    }
  }
  return result.exitCode;
}

async function markInterrupted(store: ReturnType<typeof openStore>, jobId: string, reason: string): Promise<void> {
  const status = await store.readStatus(jobId);
  const attempts = status.kind === "ok" ? status.value.attempts : 0;
  await store.writeStatus(jobId, { state: "interrupted", attempts, reason });
}
