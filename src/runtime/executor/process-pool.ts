/**
 * Worker processes (child_process.fork of the worker entry). Each initialises
 * its backend once and runs one job at a time; a second worker is started only
 * when a second job can run. A worker that dies takes only its job with it, and
 * a worker whose job failed is replaced, since the failure may have left its
 * backend unusable.
 */
import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { UserError } from "../../core/user-error.js";
import type { JobEvent, JobOutcome } from "../job-api.js";
import { gpuWorkerEnv } from "../setup/gpu.js";
import { nativeProcessEnv } from "../setup/installed.js";
import { defaultJobs } from "./defaults.js";
import type { JobAssignment, JobHandle, WorkerPool } from "./pool.js";
import type { FromWorker, ToWorker, WorkerInit } from "./protocol.js";

export interface ProcessPoolOptions extends WorkerInit {
  /** Worker processes; by default what suits the backend (see defaultJobs). */
  jobs?: number;
  /** The compiled worker entry; dist/src/runtime/worker/main.js by default. */
  workerEntry?: string;
  /** Extra environment for the workers (e.g. where the data lives). */
  env?: Record<string, string>;
  /**
   * GPU device indices (see selectGpus). The worker in slot s sees only gpus[s mod n]
   * (CUDA_VISIBLE_DEVICES); on the gpu backend the default is one worker per GPU.
   */
  gpus?: string[];
}

const STDERR_LINES_KEPT = 20;

interface ActiveJob {
  onEvent(event: JobEvent): void;
  resolve(outcome: JobOutcome): void;
}

class Worker {
  private active: ActiveJob | null = null;
  private readonly stderr: string[] = [];
  private exited = false;
  killed = false;
  readonly ready: Promise<string>;

  constructor(
    private readonly child: ChildProcess,
    init: WorkerInit,
  ) {
    this.ready = new Promise<string>((resolve, reject) => {
      child.on("message", (message: FromWorker) => {
        if (message.type === "ready") resolve(message.backend);
        else if (message.type === "init-error") reject(new UserError(message.message, message.hint));
        else this.onMessage(message);
      });
      child.on("exit", (code, signal) => {
        this.exited = true;
        reject(new Error(`worker exited during start-up (${this.exitText(code, signal)})`));
        this.finish(
          this.killed
            ? { status: "interrupted" }
            : { status: "failed", reason: `worker process died (${this.exitText(code, signal)})` },
        );
      });
    });
    // Unhandled if nobody awaits a worker that fails later; the failure reaches the job instead.
    this.ready.catch(() => {});
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (chunk: string) => this.onStderr(chunk));
    child.stdout?.resume();
    this.post({ type: "init", ...init });
  }

  get alive(): boolean {
    return !this.exited;
  }

  run(assignment: JobAssignment, onEvent: (event: JobEvent) => void): Promise<JobOutcome> {
    return new Promise((resolve) => {
      this.active = { onEvent, resolve };
      this.post({ type: "run", assignment });
    });
  }

  abort(): void {
    this.post({ type: "abort" });
  }

  kill(): void {
    this.killed = true;
    this.child.kill("SIGKILL");
  }

  disconnect(): void {
    if (this.child.connected) this.child.disconnect();
  }

  private post(message: ToWorker): void {
    if (!this.child.connected) return;
    // The worker can die between the check and the write (EPIPE); its exit handler
    // reports that, so the failed write itself must not become an uncaught error.
    this.child.send(message, (error) => {
      if (error) this.child.kill("SIGKILL");
    });
  }

  private onMessage(message: FromWorker): void {
    if (message.type === "event") this.active?.onEvent(message.event);
    else if (message.type === "outcome") this.finish(message.outcome);
  }

  private finish(outcome: JobOutcome): void {
    const active = this.active;
    this.active = null;
    if (!active) return;
    if (outcome.status === "failed" && this.stderr.length > 0 && outcome.reason.startsWith("worker process died")) {
      active.resolve({ status: "failed", reason: `${outcome.reason}: ${this.stderr.slice(-3).join(" | ")}` });
    } else {
      active.resolve(outcome);
    }
  }

  private onStderr(chunk: string): void {
    for (const line of chunk.split("\n")) {
      if (line.trim() === "") continue;
      this.stderr.push(line);
      if (this.stderr.length > STDERR_LINES_KEPT) this.stderr.shift();
    }
  }

  private exitText(code: number | null, signal: NodeJS.Signals | null): string {
    return signal ? `signal ${signal}` : `exit code ${code}`;
  }
}

function defaultEntry(): string {
  return fileURLToPath(new URL("../worker/main.js", import.meta.url));
}

/** Start the first worker (to learn the backend, which sets the default size) and return the pool. */
export async function startProcessPool(options: ProcessPoolOptions = {}): Promise<WorkerPool> {
  const entry = options.workerEntry ?? defaultEntry();
  const init: WorkerInit = { backend: options.backend, runnerModule: options.runnerModule };
  const gpus = options.gpus ?? [];
  const nativeEnv = nativeProcessEnv();
  const spawn = (slot: number) =>
    new Worker(
      fork(entry, [], {
        stdio: ["ignore", "pipe", "pipe", "ipc"],
        env: { ...process.env, ...nativeEnv, ...gpuWorkerEnv(gpus, slot), ...options.env },
      }),
      init,
    );
  const workers: (Worker | null)[] = [spawn(0)];
  let backend: string;
  try {
    backend = await workers[0]!.ready;
  } catch (error) {
    workers[0]!.kill();
    throw error;
  }
  const size = options.jobs ?? (backend === "gpu" && gpus.length > 0 ? gpus.length : defaultJobs(backend));
  while (workers.length < size) workers.push(null);

  const workerFor = (slot: number): Worker => {
    let worker = workers[slot];
    if (!worker || !worker.alive) {
      worker = spawn(slot);
      workers[slot] = worker;
    }
    return worker;
  };

  return {
    size,
    backend,
    run(slot, assignment, onEvent): JobHandle {
      const worker = workerFor(slot);
      // An abort that comes while the worker is still starting must not be lost.
      let aborted = false;
      const outcome = worker.ready
        .then(
          (): Promise<JobOutcome> | JobOutcome =>
            aborted ? { status: "interrupted" } : worker.run(assignment, onEvent),
          (error: unknown): JobOutcome => ({ status: "failed", reason: `worker did not start: ${String(error)}` }),
        )
        .then((result) => {
          // A failure may leave the backend unusable (a wasm module that ran out of memory is dead): start afresh.
          if (result.status === "failed" && workers[slot] === worker) {
            worker.disconnect();
            workers[slot] = null;
          }
          return result;
        });
      return {
        outcome,
        abort: () => {
          aborted = true;
          worker.abort();
        },
      };
    },
    kill() {
      for (const worker of workers) if (worker?.alive) worker.kill();
    },
    async close() {
      for (const worker of workers) worker?.disconnect();
    },
  };
}
