/**
 * Shape checks for the files the store reads back. They are deliberately shallow
 * (fields and types) so that a torn or hand-edited file is noticed, not to
 * re-validate the science.
 */
const STATES = new Set(["waiting", "running", "done", "failed", "interrupted"]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isFiniteOrNaN(value: unknown): boolean {
  // JSON cannot hold NaN: a diverged loss is stored as null.
  return value === null || typeof value === "number";
}

export function metricProblem(value: unknown): string | null {
  if (!isRecord(value)) return "a metric is not an object";
  if (typeof value.epoch !== "number" || !Number.isInteger(value.epoch) || value.epoch < 0) return "bad epoch";
  if (typeof value.adversary !== "string") return "bad adversary";
  if (!isFiniteOrNaN(value.accuracy)) return "bad accuracy";
  if (!isFiniteOrNaN(value.loss)) return "bad loss";
  return null;
}

export function metricsProblem(value: unknown): string | null {
  if (!Array.isArray(value)) return "metrics are not a list";
  for (const metric of value) {
    const problem = metricProblem(metric);
    if (problem) return problem;
  }
  return null;
}

export function resultProblem(value: unknown): string | null {
  if (!isRecord(value)) return "not an object";
  if (value.status !== "done") return `status is ${JSON.stringify(value.status)}, not "done"`;
  const metrics = metricsProblem(value.metrics);
  if (metrics) return metrics;
  if (value.achievedDensity !== null && typeof value.achievedDensity !== "number") return "bad achievedDensity";
  if (typeof value.seconds !== "number") return "bad seconds";
  if (value.engine !== undefined && typeof value.engine !== "string") return "bad engine";
  if (value.layers !== undefined) {
    if (!Array.isArray(value.layers)) return "bad layers";
    for (const l of value.layers) {
      if (!isRecord(l) || typeof l.layer !== "string" || typeof l.kept !== "number" || typeof l.total !== "number")
        return "bad layers";
    }
  }
  return null;
}

export function statusProblem(value: unknown): string | null {
  if (!isRecord(value)) return "not an object";
  if (typeof value.state !== "string" || !STATES.has(value.state)) return "bad state";
  if (typeof value.attempts !== "number") return "bad attempts";
  if (typeof value.updatedAt !== "string") return "bad updatedAt";
  if (value.reason !== undefined && typeof value.reason !== "string") return "bad reason";
  if (value.deterministic !== undefined && typeof value.deterministic !== "boolean") return "bad deterministic";
  return null;
}

export function jobProblem(value: unknown): string | null {
  if (!isRecord(value)) return "not an object";
  if (typeof value.id !== "string") return "bad id";
  if (value.kind !== "dense" && value.kind !== "mask" && value.kind !== "sparse") return "bad kind";
  if (!isRecord(value.config)) return "bad config";
  return null;
}
