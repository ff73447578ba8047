/**
 * A worker process: initialises a tfjs backend once, then runs the jobs its
 * parent (the executor) sends, one at a time, streaming JobEvents back over IPC.
 */

import { UserError } from "../../core/user-error.js";
import { dependencyDir, errorText, type JobAssignment } from "../executor/pool.js";
import type { FromWorker, ToWorker, WorkerInit } from "../executor/protocol.js";
import type { JobRunner } from "../job-api.js";
import { loadBackend, loadRunner } from "./load.js";

function send(message: FromWorker): void {
  process.send?.(message);
}

// Ctrl-C reaches the whole process group; the parent decides how to stop (abort message or kill).
process.on("SIGINT", () => {});
// The parent is gone (crashed or killed): nothing to report to; checkpoints already on disk are the resume point.
process.on("disconnect", () => process.exit(0));

let runner: JobRunner | null = null;
let current: AbortController | null = null;

async function init(options: WorkerInit): Promise<void> {
  try {
    const backend = options.backend === null ? "none" : await loadBackend(options.backend);
    runner = await loadRunner(options.runnerModule);
    send({ type: "ready", backend });
  } catch (error) {
    if (error instanceof UserError) {
      send({ type: "init-error", message: error.message, ...(error.hint ? { hint: error.hint } : {}) });
    } else {
      send({ type: "init-error", message: errorText(error) });
    }
  }
}

async function run(assignment: JobAssignment): Promise<void> {
  const controller = new AbortController();
  current = controller;
  try {
    if (!runner) throw new Error("worker received a job before it was ready");
    const outcome = await runner({
      job: assignment.job,
      dir: assignment.dir,
      dependencyDir: (id) => dependencyDir(assignment, id),
      signal: controller.signal,
      onEvent: (event) => send({ type: "event", event }),
    });
    send({ type: "outcome", outcome });
  } catch (error) {
    send({ type: "outcome", outcome: { status: "failed", reason: errorText(error) } });
  } finally {
    current = null;
  }
}

process.on("message", (message: ToWorker) => {
  switch (message.type) {
    case "init":
      void init(message);
      break;
    case "run":
      void run(message.assignment);
      break;
    case "abort":
      current?.abort();
      break;
  }
});
