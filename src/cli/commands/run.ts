/**
 * `lthc run FILE`: compile the spec, execute its plan against the run store with
 * worker processes, and write the report when every job is done.
 */
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import type { Plan } from "../../core/plan-types.js";
import { UserError } from "../../core/user-error.js";
import { type ExecuteResult, type Execution, execute } from "../../runtime/executor/executor.js";
import { inProcessPool, type WorkerPool } from "../../runtime/executor/pool.js";
import { startProcessPool } from "../../runtime/executor/process-pool.js";
import type { ExecutorEvent } from "../../runtime/executor-events.js";
import { preflight } from "../../runtime/preflight.js";
import { DEFAULT_STORE } from "../../runtime/store/layout.js";
import { openStore, type RunStore } from "../../runtime/store/store.js";
import { chooseMode, createReporter } from "../ui/reporter.js";
import { lthcHint } from "./hint.js";
import { loadPlan } from "./load-plan.js";
import type { SlurmRunOptions } from "./run-slurm.js";

interface RunOptions extends SlurmRunOptions {
  store: string;
  on: string;
  jobs?: string;
  backend?: string;
  plain?: boolean;
  json?: boolean;
  dataDir?: string;
  report: boolean;
  retryFailed?: boolean;
  gpus?: string;
}

export function registerRun(program: Command): void {
  program
    .command("run")
    .description("Run a spec's plan: train what is not in the run store yet, resume what was interrupted")
    .argument("<file>", "the .lth spec")
    .option("--store <dir>", "run store directory", DEFAULT_STORE)
    .option(
      "-j, --jobs <n>",
      "jobs at once, each in its own worker process (default: one per core on CPU backends; one per GPU with --gpus)",
    )
    .option("--backend <name>", "tfjs backend: gpu, node, wasm or cpu (default: the fastest available)")
    .option("--plain", "one line per event, even on a terminal")
    .option("--json", "one JSON object per event")
    .option("--data-dir <dir>", "where datasets live (see `lthc doctor`)")
    .option(
      "--gpus <list>",
      "GPU indices for the gpu backend, one worker pinned to each (default: every visible GPU; -j above their count shares them)",
    )
    .option("--no-report", "do not write the report at the end")
    .option("--retry-failed", "train again the jobs that diverged in an earlier run (by default they stay failed)")
    .option("--on <where>", "where jobs run: local, or slurm (one Slurm job per plan job; see docs/slurm.md)", "local")
    .option("--partition <name>", "Slurm partition (--on slurm)")
    .option("--gpus-per-job <n>", "GPUs each Slurm job asks for (--on slurm)")
    .option("--cpus-per-job <n>", "CPUs each Slurm job asks for (--on slurm)")
    .option("--mem <size>", "memory each Slurm job asks for, e.g. 16G (--on slurm)")
    .option("--time <limit>", "time limit of each Slurm job, e.g. 4:00:00 (--on slurm)")
    .option("--account <name>", "Slurm account to charge (--on slurm)")
    .option("--sbatch <options>", 'any other sbatch options, e.g. "--qos=high --constraint=a100" (--on slurm)')
    .option("--wait", "with --on slurm: follow the Slurm jobs to the end and write the report")
    .option(
      "--no-local-check",
      "with --on slurm: submit without looking for the datasets or loading --backend on this machine (for data or GPUs only the compute nodes have)",
    )
    .addHelpText(
      "after",
      "\nExit status: 0 every job done, 1 some job failed (or the spec has errors), 130 interrupted.\n" +
        "Ctrl-C stops after saving checkpoints; a second Ctrl-C stops at once. Either way `lthc run` again resumes.",
    )
    .action(async (file: string, options: RunOptions) => {
      process.exitCode = await runCommand(file, options);
    });
}

function parseJobs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`--jobs must be a positive whole number, not '${text}'`);
  return n;
}

/** The plan's jobs that are not finished yet: the ones this run may start. */
async function unfinished(store: RunStore, plan: Plan): Promise<Plan["jobs"]> {
  const out: Plan["jobs"] = [];
  for (const job of plan.jobs) if (!(await store.isDone(job.id))) out.push(job);
  return out;
}

/** Nothing left to run: no worker (and no backend start-up) is needed. */
const idlePool = (): WorkerPool =>
  inProcessPool(async () => ({ status: "failed", reason: "no job should run" }), 0, "none");

async function runCommand(file: string, options: RunOptions): Promise<number> {
  const jobs = parseJobs(options.jobs);
  if (options.on !== "local" && options.on !== "slurm") {
    throw new UserError(`--on ${options.on}: expected local or slurm`, "see docs/slurm.md for running on a cluster");
  }
  if (!options.localCheck && options.on !== "slurm") {
    throw new UserError(
      "--no-local-check is for --on slurm",
      "a local run's workers see the same files as lthc run, so a missing dataset would fail every job",
    );
  }
  // Loaded only when needed: it brings tfjs into this process, which only the workers need.
  if (options.backend) (await import("../../runtime/backend/select.js")).parseBackend(options.backend);
  const { plan, text } = await loadPlan(file);
  const store = openStore(options.store);
  try {
    await mkdir(join(store.dir, "jobs"), { recursive: true });
    if (options.on === "slurm") {
      return await (await import("./run-slurm.js")).runOnSlurm(file, text, plan, store, options);
    }
    return await execution(file, text, plan, store, options, jobs);
  } catch (error) {
    throw storeError(error, options.store);
  }
}

async function execution(
  file: string,
  text: string,
  plan: Plan,
  store: RunStore,
  options: RunOptions,
  jobs: number | undefined,
): Promise<number> {
  const out = options.json ? process.stderr : process.stdout;
  const toRun = await unfinished(store, plan);
  const nothingToDo = toRun.length === 0;
  // Problems every job shares (a missing dataset, an unwritable store, a backend that cannot
  // load) are reported once, before any worker starts.
  await preflight({ jobs: toRun, store: store.dir, dataDir: options.dataDir, backend: options.backend });
  const pool = nothingToDo
    ? idlePool()
    : await startProcessPool({
        jobs,
        backend: options.backend,
        env: options.dataDir ? { LTHC_DATA_DIR: resolve(options.dataDir) } : {},
        gpus: await workerGpus(options),
      });
  const reporter = createReporter({
    mode: chooseMode({ plain: options.plain, json: options.json, isTTY: process.stdout.isTTY }),
    plan,
  });
  const run = execute({
    plan,
    store,
    pool,
    retryFailed: options.retryFailed === true,
    onEvent: (event: ExecutorEvent) => reporter.handle(event),
  });
  const detach = handleSignals(run);
  let result: ExecuteResult;
  try {
    result = await run.done;
  } finally {
    detach();
    await reporter.close();
  }
  if (result.exitCode === 0) {
    await (await import("./run-report.js")).afterRun({ file, text, plan, store, out, report: options.report });
  } else if (result.exitCode === 1) {
    out.write(`${result.failed.length} job(s) failed; see ${lthcHint("status", file, options)}\n`);
  } else {
    out.write(`interrupted; ${lthcHint("run", file, options)} resumes\n`);
  }
  return result.exitCode;
}

/** GPUs to pin workers to: none unless the gpu backend may be used (asked for, or the default and set up). */
async function workerGpus(options: RunOptions): Promise<string[]> {
  const { selectGpus } = await import("../../runtime/setup/gpu.js");
  if (options.gpus !== undefined) return selectGpus(options.gpus);
  const { readSetupRecord } = await import("../../runtime/setup/installed.js");
  const gpuPossible =
    options.backend === undefined
      ? readSetupRecord("gpu") !== null
      : /^(gpu|cuda|tensorflow-gpu)$/i.test(options.backend);
  return gpuPossible ? selectGpus(undefined) : [];
}

/** A file-system failure in the store is the user's to fix (permissions, a full disk), not a crash. */
export function storeError(error: unknown, store: string): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (typeof code !== "string") return error;
  return new UserError(
    `cannot use the run store ${store}: ${(error as Error).message}`,
    "check that the --store directory is writable and the disk has room; `lthc run` again resumes",
  );
}

/** First Ctrl-C (or SIGTERM): stop cleanly; a second Ctrl-C: stop at once. */
function handleSignals(execution: Execution): () => void {
  let interrupts = 0;
  const onInterrupt = () => {
    interrupts++;
    if (interrupts === 1) execution.stop();
    else execution.stopNow();
  };
  const onTerminate = () => execution.stop();
  process.on("SIGINT", onInterrupt);
  process.on("SIGTERM", onTerminate);
  return () => {
    process.off("SIGINT", onInterrupt);
    process.off("SIGTERM", onTerminate);
  };
}
