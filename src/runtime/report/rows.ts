/**
 * Result rows: one per (job, epoch, test adversary) of every plan point whose
 * jobs have metrics in the store. The schema is documented in docs/report.md.
 */

import { adversaryKey, modelLabel, timeLabel } from "../../core/labels.js";
import type { DenseJob, Job, Plan, PlanPoint, SparseJob } from "../../core/plan-types.js";
import type { EpochMetric, LayerDensity } from "../job-api.js";
import { rekeyLegacyMetrics } from "../train/evaluate.js";

/** What rows need from the store about one job. */
export interface JobData {
  metrics: EpochMetric[];
  /** Only for finished jobs. */
  result: { metrics: EpochMetric[]; achievedDensity: number | null; layers?: LayerDensity[]; engine?: string } | null;
  /** Set when the job's last attempt failed ("failed") or it was skipped because a dependency failed ("blocked"). */
  failure?: { state: "failed" | "blocked"; reason: string } | null;
}

export interface ResultRow {
  sweep: string;
  job: string;
  kind: "dense" | "sparse";
  /** "magnitude" | "random"; "" for dense rows. */
  strategy: string;
  /** "global" | "layerwise"; "" for dense rows. */
  scope: string;
  /**
   * Random layerwise rows: the magnitude mask whose per-layer counts the random mask keeps,
   * i.e. the magnitude scope it is the baseline of ("global" | "layerwise"); "" otherwise.
   */
  counts: string;
  /** "oneshot" | "iterative"; "" for dense rows. */
  method: string;
  /** Requested density; 1 for dense rows. */
  density: number;
  /** Measured fraction of prunable weights kept; 1 for dense rows, null when not recorded. */
  achievedDensity: number | null;
  /**
   * The mask's kept fraction per prunable layer, "fc1.kernel=0.00241;fc2.kernel=0.0613;…"
   * (fractions, 3 significant digits); "" for dense rows and while unknown.
   */
  layerDensities: string;
  /** The same, as counts; null for dense rows and while unknown. Not a column. */
  layers: LayerDensity[] | null;
  /** Rewind point ("8", or "8+100" for 100 steps into epoch 9); "" for dense rows. */
  rewind: string;
  replicate: number;
  epoch: number;
  /** The test adversary's complete key (`adversaryKey`): never shared by two configurations. */
  adversary: string;
  /** Null where the store holds null (JSON has no NaN: a diverged value). */
  accuracy: number | null;
  loss: number | null;
  /**
   * "done" when the job finished, "partial" while it has only some epochs, "failed" when its
   * last attempt failed, "blocked" when it was skipped because a job it needs failed. A failed
   * or blocked job without metrics still has one row (epoch 0, no adversary, no accuracy).
   */
  status: "done" | "partial" | "failed" | "blocked";
  /** Why the job failed or is blocked, and what to do about it; "" otherwise. */
  reason: string;
  dataset: string;
  model: string;
  /** The complete key of the adversary the network was trained against ("clean" for standard training). */
  trainAdversary: string;
  /** The complete key of the adversary the report judges the row's point on (`judge`; default trainAdversary). */
  judge: string;
  /** Content hash of the dense configuration the row's point trains (replicate excluded). */
  base: string;
  /** Matching tolerance of the point, in accuracy points. */
  tolerance: number;
  /** The point's swept parameters, by the names the spec gave them. */
  params: Record<string, string | number>;
}

/** Rows for every point of the plan; dense jobs appear once per sweep, not once per point. */
export function resultRows(plan: Plan, data: ReadonlyMap<string, JobData>): ResultRow[] {
  const jobs = new Map(plan.jobs.map((job) => [job.id, job]));
  const rows: ResultRow[] = [];
  for (const points of groupBy(plan.points, (p) => `${p.sweep}\u0000${p.dense}`).values()) {
    const dense = jobs.get(points[0].dense);
    if (dense?.kind !== "dense") continue;
    rows.push(...denseRows(points, dense, data.get(dense.id)));
  }
  const seen = new Set<string>();
  for (const point of plan.points) {
    if (point.sparse === null || seen.has(`${point.sweep}\u0000${point.sparse}`)) continue;
    seen.add(`${point.sweep}\u0000${point.sparse}`);
    const sparse = jobs.get(point.sparse);
    if (sparse?.kind !== "sparse") continue;
    rows.push(...sparseRows(point, sparse, jobs, data));
  }
  return rows;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    groups.set(k, [...(groups.get(k) ?? []), item]);
  }
  return groups;
}

/** The parameters on which all the points agree: the ones that describe their shared dense run. */
function commonParams(points: PlanPoint[]): Record<string, string | number> {
  const common: Record<string, string | number> = { ...points[0].params };
  for (const point of points.slice(1)) {
    for (const name of Object.keys(common)) {
      if (point.params[name] !== common[name]) delete common[name];
    }
  }
  return common;
}

function jobMetrics(
  job: DenseJob | SparseJob,
  data: JobData | undefined,
): { metrics: EpochMetric[]; status: ResultRow["status"]; reason: string } | null {
  const rekey = (metrics: EpochMetric[]) => rekeyLegacyMetrics(job.config.testAdversaries, metrics);
  if (data?.result) return { metrics: rekey(data.result.metrics), status: "done", reason: "" };
  if (data?.failure) {
    const { state, reason } = data.failure;
    return { metrics: rekey(data.metrics), status: state, reason: withRemedy(reason) };
  }
  if (data && data.metrics.length > 0) return { metrics: rekey(data.metrics), status: "partial", reason: "" };
  return null;
}

/**
 * A failure's reason followed by what to do about it. The executor's reasons are one line;
 * the remedies name the command or setting that addresses each kind.
 */
export function withRemedy(reason: string): string {
  if (/^diverged/.test(reason))
    return `${reason} — lower the learning rate (or check ε's units: \`lthc check\` warns), then \`lthc run --retry-failed\``;
  if (/^skipped: dependency/.test(reason))
    return `${reason} — fix that job's failure (its row says why); this one runs once it is done`;
  if (/not found|cannot be read|No such file/i.test(reason))
    return `${reason} — see docs/datasets.md (\`lthc data get\`), then \`lthc run\` again`;
  return `${reason} — \`lthc status\` shows the job's log; \`lthc run\` tries it again`;
}

type Shared = Omit<ResultRow, "epoch" | "adversary" | "accuracy" | "loss">;

function expand(shared: Shared, metrics: EpochMetric[]): ResultRow[] {
  if (metrics.length === 0 && (shared.status === "failed" || shared.status === "blocked")) {
    return [{ ...shared, epoch: 0, adversary: "", accuracy: null, loss: null }];
  }
  return [...metrics]
    .sort((a, b) => a.epoch - b.epoch || (a.adversary < b.adversary ? -1 : a.adversary > b.adversary ? 1 : 0))
    .map((m) => ({
      ...shared,
      epoch: m.epoch,
      adversary: m.adversary,
      accuracy: finite(m.accuracy),
      loss: finite(m.loss),
    }));
}

function trainFields(job: DenseJob | SparseJob) {
  return {
    dataset: job.config.dataset.name,
    model: modelLabel(job.config.model),
    trainAdversary: adversaryKey(job.config.adversary),
  };
}

function denseRows(points: PlanPoint[], dense: DenseJob, data: JobData | undefined): ResultRow[] {
  const found = jobMetrics(dense, data);
  if (!found) return [];
  const shared: Shared = {
    sweep: points[0].sweep,
    job: dense.id,
    kind: "dense",
    strategy: "",
    scope: "",
    counts: "",
    method: "",
    density: 1,
    achievedDensity: 1,
    layerDensities: "",
    layers: null,
    rewind: "",
    replicate: dense.replicate,
    status: found.status,
    reason: found.reason,
    ...trainFields(dense),
    judge: points[0].judge ?? adversaryKey(dense.config.adversary),
    base: dense.hash,
    tolerance: points[0].tolerance,
    params: commonParams(points),
  };
  return expand(shared, found.metrics);
}

function sparseRows(
  point: PlanPoint,
  sparse: SparseJob,
  jobs: ReadonlyMap<string, Job>,
  data: ReadonlyMap<string, JobData>,
): ResultRow[] {
  const found = jobMetrics(sparse, data.get(sparse.id));
  if (!found) return [];
  const prune = sparse.config.prune;
  const layers = data.get(sparse.config.mask)?.result?.layers ?? null;
  const shared: Shared = {
    sweep: point.sweep,
    job: sparse.id,
    kind: "sparse",
    strategy: prune.strategy,
    scope: prune.scope,
    counts: prune.strategy === "random" && prune.scope === "layerwise" ? (prune.counts ?? "global") : "",
    method: prune.method,
    density: prune.density,
    achievedDensity:
      data.get(sparse.id)?.result?.achievedDensity ?? data.get(sparse.config.mask)?.result?.achievedDensity ?? null,
    layerDensities: layers === null ? "" : layerDensityText(layers),
    layers,
    rewind: timeLabel(prune.rewind),
    replicate: sparse.replicate,
    status: found.status,
    reason: found.reason,
    ...trainFields(sparse),
    judge: point.judge ?? adversaryKey(sparse.config.adversary),
    base: jobs.get(point.dense)?.hash ?? point.dense,
    tolerance: point.tolerance,
    params: point.params,
  };
  return expand(shared, found.metrics);
}

function finite(value: number | null): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** "fc1.kernel=0.00241;fc2.kernel=0.0613": each layer's kept fraction, 3 significant digits. */
export function layerDensityText(layers: readonly LayerDensity[]): string {
  return layers.map((l) => `${l.layer}=${l.total === 0 ? 1 : Number((l.kept / l.total).toPrecision(3))}`).join(";");
}
