/**
 * `lthc run FILE --on slurm`: submit the plan's unfinished jobs to Slurm, print
 * their Slurm job ids and return; with --wait, follow them to the end with the
 * usual UI and write the report, as a local run does.
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Plan } from "../../core/plan-types.js";
import { UserError } from "../../core/user-error.js";
import type { ExecutorEvent } from "../../runtime/executor-events.js";
import { jobLabel } from "../../runtime/job-labels.js";
import { preflight } from "../../runtime/preflight.js";
import { followPlan } from "../../runtime/slurm/follow.js";
import { mergeSettings, readSettingsFile, type SlurmSettings, splitArgs } from "../../runtime/slurm/settings.js";
import { submitPlan } from "../../runtime/slurm/submit.js";
import type { RunStore } from "../../runtime/store/store.js";
import { chooseMode, createReporter } from "../ui/reporter.js";
import { lthcHint } from "./hint.js";
import { shownPath } from "./load-plan.js";

/** squeue with room for lthc's job names (its default format cuts names at 8 characters). */
export const SQUEUE_COMMAND = 'squeue --me -o "%.10i %.50j %.10T %.20R"';

export interface SlurmRunOptions {
  /** --store as given (for the commands the output suggests). */
  store: string;
  partition?: string;
  gpusPerJob?: string;
  cpusPerJob?: string;
  mem?: string;
  time?: string;
  account?: string;
  sbatch?: string;
  wait?: boolean;
  /** false with --no-local-check: submit without looking for the datasets or loading the backend here. */
  localCheck: boolean;
  backend?: string;
  dataDir?: string;
  retryFailed?: boolean;
  plain?: boolean;
  json?: boolean;
  report: boolean;
}

function count(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new UserError(`${name} must be a whole number, not '${text}'`);
  return n;
}

/** The command-line half of the Slurm settings. */
function cliSettings(o: SlurmRunOptions): SlurmSettings {
  return {
    partition: o.partition,
    gpusPerJob: count("--gpus-per-job", o.gpusPerJob),
    cpusPerJob: count("--cpus-per-job", o.cpusPerJob),
    mem: o.mem,
    time: o.time,
    account: o.account,
    sbatch: o.sbatch === undefined ? undefined : splitArgs(o.sbatch),
  };
}

/** How a Slurm job runs this very lthc: the same node binary and the same build, by absolute path. */
function lthcCommand(): string[] {
  return [process.execPath, fileURLToPath(new URL("../main.js", import.meta.url))];
}

export async function runOnSlurm(
  file: string,
  text: string,
  plan: Plan,
  store: RunStore,
  options: SlurmRunOptions,
): Promise<number> {
  const settings = mergeSettings(await readSettingsFile(store.dir), cliSettings(options));
  // The store is on a file system every node sees, and Slurm jobs inherit this environment:
  // a dataset missing here is, unless the user says otherwise, missing for every job.
  const toSubmit: Plan["jobs"] = [];
  for (const job of plan.jobs) if (!(await store.isDone(job.id))) toSubmit.push(job);
  await preflight({
    jobs: toSubmit,
    store: store.dir,
    dataDir: options.dataDir ? resolve(options.dataDir) : undefined,
    datasets: options.localCheck,
    // A login node often has no GPU: with --no-local-check the backend is left to the compute nodes too.
    backend: options.localCheck ? options.backend : undefined,
    hint:
      "nothing was submitted; fix the above and run the same command again. Data that only the compute nodes " +
      "see: pass --data-dir with a path the nodes see (checked here too), or --no-local-check to submit without " +
      "looking for the datasets or loading --backend here (see docs/slurm.md)",
  });
  const out = options.json ? process.stderr : process.stdout;
  const result = await submitPlan({
    plan,
    store,
    settings,
    retryFailed: options.retryFailed === true,
    lthc: lthcCommand(),
    backend: options.backend,
    dataDir: options.dataDir ? resolve(options.dataDir) : undefined,
  });
  const label = (id: string) => {
    const job = plan.jobs.find((j) => j.id === id);
    return job ? jobLabel(job) : id;
  };
  for (const r of result.recorded) out.write(`failed in Slurm: ${label(r.jobId)} [${r.jobId}]: ${r.reason}\n`);
  for (const s of result.submitted) {
    const after = s.after.length > 0 ? ` after ${s.after.join(",")}` : "";
    out.write(`submitted ${s.slurmId} ${s.name}${after}\n`);
  }
  for (const h of result.inSlurm) out.write(`in Slurm already ${h.slurmIds.join(",")} ${label(h.jobId)}\n`);
  for (const n of result.notSubmitted) out.write(`not submitted ${label(n.jobId)} [${n.jobId}]: ${n.reason}\n`);
  const held = result.submitted.length + result.inSlurm.length;
  out.write(
    `slurm: ${result.submitted.length} submitted, ${result.inSlurm.length} already in Slurm, ` +
      `${result.done} done, ${result.notSubmitted.length} not submitted (store ${shownPath(store.dir)})\n`,
  );
  const hint = { store: options.store, dataDir: options.dataDir, slurm: true };
  if (!options.wait) {
    if (held > 0) {
      out.write(
        `follow with ${lthcHint("status", file, hint)} or \`${SQUEUE_COMMAND}\`; ` +
          `${lthcHint("cancel", file, hint)} cancels them\n`,
      );
    }
    return result.notSubmitted.length > 0 ? 1 : 0;
  }
  const reporter = createReporter({
    mode: chooseMode({ plain: options.plain, json: options.json, isTTY: process.stdout.isTTY }),
    plan,
  });
  const stop = new AbortController();
  const onInterrupt = () => stop.abort();
  process.on("SIGINT", onInterrupt);
  let exitCode: number;
  try {
    const followed = await followPlan({
      plan,
      store,
      onEvent: (event: ExecutorEvent) => reporter.handle(event),
      notSubmitted: new Map(result.notSubmitted.map((n) => [n.jobId, n.reason])),
      slurmJobs: held,
      signal: stop.signal,
      rerun: lthcHint("run", file, hint),
    });
    exitCode = followed.exitCode;
    if (followed.failed.length > 0) exitCode = 1;
  } finally {
    process.off("SIGINT", onInterrupt);
    await reporter.close();
  }
  if (exitCode === 0) {
    await (await import("./run-report.js")).afterRun({ file, text, plan, store, out, report: options.report });
  } else if (exitCode === 130) {
    out.write(
      `stopped following; the jobs not ended stay queued or running in Slurm: ${lthcHint("status", file, hint)} ` +
        `shows them, ${lthcHint("cancel", file, hint)} cancels them, ${lthcHint("run", file, hint, ["--wait"])} follows them again\n`,
    );
  } else {
    out.write(`some job(s) failed; see ${lthcHint("status", file, hint)}\n`);
  }
  return exitCode;
}
