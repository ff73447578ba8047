/** Messages between the executor and a worker process (Node IPC; plain JSON both ways). */
import type { JobEvent, JobOutcome } from "../job-api.js";
import type { JobAssignment } from "./pool.js";

export interface WorkerInit {
  /**
   * The user's --backend choice; undefined lets the worker pick the best available;
   * null leaves the backend to the runner module (one that needs none, or sets up its own).
   */
  backend?: string | null;
  /**
   * Module whose `runJob` export is the JobRunner; the training engine by default.
   * A deployment (or a test) may substitute its own.
   */
  runnerModule?: string;
}

export type ToWorker = ({ type: "init" } & WorkerInit) | { type: "run"; assignment: JobAssignment } | { type: "abort" };

export type FromWorker =
  | { type: "ready"; backend: string }
  | { type: "init-error"; message: string; hint?: string }
  | { type: "event"; event: JobEvent }
  | { type: "outcome"; outcome: JobOutcome };
