/**
 * Checks `lthc run` makes before any job starts, for problems every job would share: a
 * dataset that is not there, a store that cannot be written, a requested backend that cannot
 * load. Each is found once and reported once, with its fix, instead of failing every job.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { DatasetName } from "../core/config.js";
import type { Job } from "../core/plan-types.js";
import { UserError } from "../core/user-error.js";
import { datasetHint, locateDataset } from "./data/locate.js";
import { nativeProcessEnv } from "./setup/installed.js";

export interface PreflightOptions {
  /** The jobs that are going to run (finished ones need nothing). */
  jobs: readonly Job[];
  store: string;
  /** --data-dir, as the workers will see it. */
  dataDir?: string;
  /**
   * Look for the datasets (default true). `lthc run --on slurm --no-local-check` turns it off
   * for data that only the compute nodes see.
   */
  datasets?: boolean;
  /** --backend, when given: only an explicit choice can fail (the default falls back to wasm). */
  backend?: string;
  /** The hint of the error (default: nothing was run; fix and run again). */
  hint?: string;
  /** Activates a backend or throws a UserError (initBackend); injectable for tests. */
  initBackend?: (preference: string) => Promise<unknown>;
  env?: Record<string, string | undefined>;
}

/** The dataset a job reads. */
function datasetOf(job: Job): DatasetName {
  return job.kind === "mask" ? job.config.train.dataset.name : job.config.dataset.name;
}

/** One problem per missing dataset: where lthc looked and how to get it. */
function datasetProblems(options: PreflightOptions): string[] {
  const needed = new Map<DatasetName, number>();
  for (const job of options.jobs) needed.set(datasetOf(job), (needed.get(datasetOf(job)) ?? 0) + 1);
  const problems: string[] = [];
  for (const [name, count] of needed) {
    const found = locateDataset(name, { dataDir: options.dataDir ?? null, env: options.env });
    if (found.found) continue;
    problems.push(
      `dataset ${name} not found (${count} job${count === 1 ? "" : "s"} need it); searched:\n` +
        found.searched.map((s) => `    ${s}`).join("\n") +
        `\n  fix: ${datasetHint(name)}`,
    );
  }
  return problems;
}

/** Writes and removes a probe file where jobs will write, so a read-only store fails here, once. */
async function storeProblem(store: string): Promise<string | null> {
  const dir = join(store, "jobs");
  const probe = join(dir, `.preflight-${process.pid}-${randomBytes(4).toString("hex")}`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(probe, "");
    await rm(probe, { force: true });
    return null;
  } catch (error) {
    return (
      `the run store ${store} cannot be written: ${(error as Error).message}\n` +
      "  fix: choose a writable directory with --store, or fix its permissions or free disk space"
    );
  }
}

/**
 * Activates the backend in a child process with a worker's environment, as a worker will: libtensorflow writes its
 * start-up log straight to file descriptor 2, whatever TF_CPP_MIN_LOG_LEVEL says, and holds
 * hundreds of MB, neither of which belongs in the process that draws the terminal UI.
 * Throws a UserError with the child's message and hint when the backend cannot load.
 */
async function initBackendInChild(preference: string): Promise<void> {
  const select = new URL("./backend/select.js", import.meta.url).href;
  const script = `
    const { initBackend } = await import(${JSON.stringify(select)});
    try { await initBackend(${JSON.stringify(preference)}); }
    catch (e) {
      if (e?.name !== "UserError") throw e;
      process.stdout.write(JSON.stringify({ message: e.message, hint: e.hint ?? null }));
      process.exitCode = 3;
    }`;
  // The worker's environment (library path of a GPU setup, log level), or a GPU backend that
  // loads in every worker would fail here.
  const env = { ...process.env, ...nativeProcessEnv() };
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", env });
  if (child.status === 0) return;
  if (child.status === 3) {
    const { message, hint } = JSON.parse(child.stdout) as { message: string; hint: string | null };
    throw new UserError(message, hint ?? undefined);
  }
  throw new Error(`loading backend '${preference}' in a child process failed (${child.status}): ${child.stderr}`);
}

async function backendProblem(options: PreflightOptions): Promise<string | null> {
  if (!options.backend) return null;
  const init = options.initBackend ?? initBackendInChild;
  try {
    await init(options.backend);
    return null;
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return `${error.message}${error.hint ? `\n  fix: ${error.hint}` : ""}`;
  }
}

/**
 * Every shared problem at once, as one UserError (nothing found: returns). Run before any
 * worker starts; jobs that are already finished need nothing and are not checked.
 */
export async function preflight(options: PreflightOptions): Promise<void> {
  if (options.jobs.length === 0) return;
  const problems = options.datasets === false ? [] : datasetProblems(options);
  const store = await storeProblem(options.store);
  if (store) problems.push(store);
  const backend = await backendProblem(options);
  if (backend) problems.push(backend);
  if (problems.length === 0) return;
  throw new UserError(
    `cannot start: ${problems.length === 1 ? "a problem" : `${problems.length} problems`} every job would hit, ` +
      `found before any of the ${options.jobs.length} jobs started:\n${problems.map((p) => `- ${p}`).join("\n")}`,
    options.hint ?? "nothing was run; fix the above and run the same command again",
  );
}
