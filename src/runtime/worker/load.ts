/** What a worker loads: the tfjs backend and the job runner, both named at run time. */
import { pathToFileURL } from "node:url";
import { activeEngine, initBackend } from "../backend/select.js";
import type { JobRunner } from "../job-api.js";

interface RunnerModule {
  runJob?: JobRunner;
}

/** The runner: `runJob` from the given module (a path or specifier), or the training engine's. */
export async function loadRunner(specifier: string | undefined): Promise<JobRunner> {
  const target = specifier
    ? specifier.startsWith(".") || specifier.startsWith("/")
      ? pathToFileURL(specifier).href
      : specifier
    : "../run-job.js";
  const module = (await import(target)) as RunnerModule;
  const runJob = module.runJob;
  if (typeof runJob !== "function") throw new Error(`${specifier ?? target} does not export runJob`);
  // Every finished job records what computed it, so a report can tell when a sweep mixed engines.
  return async (ctx) => {
    const outcome = await runJob(ctx);
    const engine = activeEngine();
    return outcome.status === "done" && outcome.engine === undefined && engine !== null
      ? { ...outcome, engine }
      : outcome;
  };
}

/** Initialise the tfjs backend the user asked for (or the best available) and return its choice ("wasm", "gpu", …). */
export async function loadBackend(preference: string | undefined): Promise<string> {
  const info = await initBackend(preference);
  return info.choice;
}
