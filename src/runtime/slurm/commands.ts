/**
 * Slurm's own commands (sbatch, squeue, scontrol, scancel), run as a user would
 * run them. lthc never schedules anything itself: it only asks Slurm and reads
 * its answers. Accounting (`sacct`) is often off, so states come from
 * squeue/scontrol, which know a job until MinJobAge after it ends.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { UserError } from "../../core/user-error.js";

const run = promisify(execFile);

/** Run a Slurm command; a missing command or a refusal becomes a UserError naming it. */
export async function slurm(command: string, args: string[], input?: string): Promise<string> {
  try {
    if (input === undefined) {
      const { stdout } = await run(command, args, { encoding: "utf8", maxBuffer: 64 * 1024 ** 2 });
      return stdout;
    }
    return await withInput(command, args, input);
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === "ENOENT") {
      throw new UserError(
        `${command} not found: Slurm's client commands are not installed here`,
        "run lthc on a Slurm login node, or start the local test cluster with scripts/slurm-local.sh start",
      );
    }
    const said = (e.stderr ?? "").trim() || e.message;
    throw new UserError(`${command} ${args.join(" ")} failed: ${said}`, "see docs/slurm.md");
  }
}

function withInput(command: string, args: string[], input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(command, args, { encoding: "utf8" }, (error, stdout, stderr) => {
      if (error) reject(Object.assign(error, { stderr }));
      else resolve(stdout);
    });
    child.stdin?.end(input);
  });
}

/** Whether `sinfo` answers within a few seconds (a cluster is reachable from here). */
export async function slurmAnswers(): Promise<boolean> {
  try {
    await run("sinfo", ["-h", "-o", "%P"], { timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

/** One Slurm job as squeue/scontrol describe it. */
export interface SlurmJobState {
  id: string;
  /** PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT, … */
  state: string;
  /** Why it is pending (Dependency, Resources, Priority, DependencyNeverSatisfied …), "None" otherwise. */
  reason: string;
  /** Nodes it runs (or ran) on, empty while pending. */
  nodes: string;
  /** "<exit code>:<signal>" for a job that ended, when scontrol still knows it. */
  exitCode?: string;
}

/** States in which Slurm still holds a job: it will (or may) run, so lthc must not submit it again. */
const ACTIVE = new Set([
  "PENDING",
  "RUNNING",
  "CONFIGURING",
  "COMPLETING",
  "REQUEUED",
  "REQUEUE_HOLD",
  "REQUEUE_FED",
  "RESIZING",
  "SUSPENDED",
  "SIGNALING",
  "STAGE_OUT",
  "RESV_DEL_HOLD",
]);

export function isActive(state: SlurmJobState | undefined): boolean {
  return state !== undefined && ACTIVE.has(state.state);
}

/**
 * The states of the given Slurm job ids, from one `squeue` call (jobs that ended
 * recently included); ids Slurm no longer knows are absent from the map.
 */
export async function jobStates(ids: readonly string[]): Promise<Map<string, SlurmJobState>> {
  const states = new Map<string, SlurmJobState>();
  if (ids.length === 0) return states;
  const wanted = new Set(ids);
  // All of this user's jobs in one call: `squeue -j` rejects the whole list when one id is unknown.
  const out = await slurm("squeue", ["-h", "--me", "-t", "all", "-o", "%i|%T|%r|%N"]);
  for (const line of out.split("\n")) {
    const [id, state, reason, nodes] = line.trim().split("|");
    if (id === undefined || state === undefined || !wanted.has(id)) continue;
    states.set(id, { id, state, reason: reason ?? "", nodes: nodes ?? "" });
  }
  return states;
}

/** Exit code ("2:0") of a job that ended, while scontrol still knows it; null otherwise. */
export async function exitCode(id: string): Promise<string | null> {
  try {
    const out = await slurm("scontrol", ["show", "job", "-o", id]);
    return /\bExitCode=(\S+)/.exec(out)?.[1] ?? null;
  } catch {
    return null;
  }
}

/** sbatch a script read from stdin; returns the Slurm job id. */
export async function sbatch(args: readonly string[], script: string): Promise<string> {
  const out = await slurm("sbatch", ["--parsable", ...args], script);
  // --parsable prints "<id>" or "<id>;<cluster>".
  const id = out.trim().split(";")[0];
  if (id === undefined || !/^\d+$/.test(id)) throw new Error(`sbatch printed no job id: ${out}`);
  return id;
}

export async function scancel(ids: readonly string[]): Promise<void> {
  if (ids.length > 0) await slurm("scancel", [...ids]);
}

/** Put a running job back in the queue (it keeps its id, and its dependents keep waiting for it). */
export async function requeue(id: string): Promise<void> {
  await slurm("scontrol", ["requeue", id]);
}
