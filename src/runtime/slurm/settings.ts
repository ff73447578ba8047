/**
 * What lthc asks Slurm for on each job: partition, GPUs, CPUs, memory, time,
 * account and any other sbatch option. None of these is part of a job's identity
 * (a job trained on another partition is the same job). They come from the
 * command line or from `<store>/slurm.json`, so that they need not be typed each time;
 * the command line wins.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { UserError } from "../../core/user-error.js";

export interface SlurmSettings {
  partition?: string;
  /** GPUs per job (sbatch --gpus). */
  gpusPerJob?: number;
  /** CPUs per job (sbatch --cpus-per-task). */
  cpusPerJob?: number;
  /** Memory per job, in sbatch's syntax ("16G"). */
  mem?: string;
  /** Time limit per job, in sbatch's syntax ("1-00:00:00", "4:00:00"). */
  time?: string;
  account?: string;
  /** Any other sbatch options, one argument each ("--qos=high", "--constraint=a100"). */
  sbatch?: string[];
  /**
   * Seconds before the time limit at which Slurm signals a job (sbatch
   * --signal=B:USR1@N), so that it can save a checkpoint and be requeued.
   */
  signalSeconds?: number;
}

export const SETTINGS_FILE = "slurm.json";
export const DEFAULT_SIGNAL_SECONDS = 120;

const KEYS: Record<keyof SlurmSettings, "string" | "number" | "string[]"> = {
  partition: "string",
  gpusPerJob: "number",
  cpusPerJob: "number",
  mem: "string",
  time: "string",
  account: "string",
  sbatch: "string[]",
  signalSeconds: "number",
};

/** Validate settings read from JSON; a mistake names the file and the key. */
export function parseSettings(value: unknown, source: string): SlurmSettings {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new UserError(`${source}: expected a JSON object of Slurm settings`, "see docs/slurm.md");
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const kind = KEYS[key as keyof SlurmSettings];
    if (kind === undefined) {
      throw new UserError(`${source}: unknown setting '${key}'`, `settings are ${Object.keys(KEYS).join(", ")}`);
    }
    const ok =
      kind === "string[]"
        ? Array.isArray(v) && v.every((s) => typeof s === "string")
        : kind === "number"
          ? typeof v === "number" && Number.isInteger(v) && v >= 0
          : typeof v === "string" && v !== "";
    if (!ok) throw new UserError(`${source}: '${key}' must be ${kindText(kind)}`, "see docs/slurm.md");
    out[key] = v;
  }
  return out as SlurmSettings;
}

function kindText(kind: "string" | "number" | "string[]"): string {
  return kind === "number" ? "a whole number" : kind === "string" ? "a non-empty string" : "a list of strings";
}

/** `<store>/slurm.json`, or no settings when there is none. */
export async function readSettingsFile(store: string): Promise<SlurmSettings> {
  const path = join(store, SETTINGS_FILE);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${path}: not valid JSON (${(error as Error).message})`, "see docs/slurm.md");
  }
  return parseSettings(value, path);
}

/** Settings from the command line over those from the file; extra sbatch options add up. */
export function mergeSettings(file: SlurmSettings, cli: SlurmSettings): SlurmSettings {
  const merged: SlurmSettings = { ...file };
  for (const [key, value] of Object.entries(cli)) {
    if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
  }
  merged.sbatch = [...(file.sbatch ?? []), ...(cli.sbatch ?? [])];
  return merged;
}

/** Split a pass-through option string ("--qos=high --constraint='a100 80gb'") into arguments, honouring quotes. */
export function splitArgs(text: string): string[] {
  const args: string[] = [];
  const pattern = /"([^"]*)"|'([^']*)'|([^\s'"]+)/g;
  let current = "";
  let last = -1;
  for (const m of text.matchAll(pattern)) {
    const part = m[1] ?? m[2] ?? m[3] ?? "";
    // Adjacent pieces (--x='a b') belong to one argument.
    if (last === m.index) current += part;
    else {
      if (last !== -1) args.push(current);
      current = part;
    }
    last = m.index + m[0].length;
  }
  if (last !== -1) args.push(current);
  return args;
}

/** The sbatch arguments these settings stand for (resources and policy, never identity). */
export function resourceArgs(s: SlurmSettings): string[] {
  const args: string[] = [];
  if (s.partition) args.push(`--partition=${s.partition}`);
  if (s.account) args.push(`--account=${s.account}`);
  if (s.gpusPerJob) args.push(`--gpus=${s.gpusPerJob}`);
  if (s.cpusPerJob) args.push(`--cpus-per-task=${s.cpusPerJob}`);
  if (s.mem) args.push(`--mem=${s.mem}`);
  if (s.time) args.push(`--time=${s.time}`);
  args.push(`--signal=B:USR1@${s.signalSeconds ?? DEFAULT_SIGNAL_SECONDS}`);
  args.push(...(s.sbatch ?? []));
  return args;
}
