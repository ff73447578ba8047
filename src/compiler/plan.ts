/**
 * The planner: sweep points → a DAG of shared jobs named by content hashes.
 * Pure: no I/O. The sharing rules are documented in docs/planner.md.
 */
import { ADDED_FIELDS, type AddedFields, type PruneConfig, type TrainConfig, type TrainTime } from "../core/config.js";
import { type AddedField, canonicalize, canonicalNumber, contentHash, hashText, omitNeutral } from "../core/hash.js";
import type {
  DenseJob,
  Job,
  MaskJob,
  Plan,
  PlanPoint,
  PlanSummary,
  SparseJob,
  WeightsRef,
} from "../core/plan-types.js";
import type { Point } from "../core/points.js";
import { NO_COST, trainingCost } from "./cost.js";

const START: TrainTime = { epoch: 0, step: 0 };
/** IMP never needs more levels than this (0.999^10000 is below any useful density). */
const MAX_IMP_LEVELS = 10_000;
/** A swept density matches an IMP level when they agree to this relative precision. */
const LEVEL_MATCH = 1e-6;

export function jobId(kind: Job["kind"], hash: string, replicate: number): string {
  return `${kind}-${hash}-r${replicate}`;
}

function timeKey(at: TrainTime | "final"): string {
  return at === "final" ? "final" : `${at.epoch}:${at.step}`;
}

/**
 * Every field of a PruneConfig: the release-1 fields in a fixed order (a canonical form
 * without sorting keys), then any field added since as canonical JSON, unless it holds its
 * neutral value (`added`), so that adding a field renames no existing job.
 */
function pruneKey(prune: PruneConfig, added: readonly AddedField[]): string {
  // `counts` is keyed through the mask's hash (its countsFrom), and is left out here so
  // that the sparse jobs of configurations without it keep their ids.
  const { strategy, scope, method, fraction, density, rewind, counts, ...rest } = prune;
  void counts;
  const key = `${strategy}|${scope}|${method}|${fraction}|${density}|${timeKey(rewind)}`;
  if (Object.keys(rest).length === 0) return key;
  const extra = omitNeutral(rest, added) as Record<string, unknown>;
  return Object.keys(extra).length === 0 ? key : `${key}|${canonicalize(extra)}`;
}

export function compareTime(a: TrainTime, b: TrainTime): number {
  return a.epoch - b.epoch || a.step - b.step;
}

/**
 * The densities of the IMP levels that reach `density`: (1−f), (1−f)², … up to the level
 * that matches it. A density between two levels becomes a final, partial level of its own.
 */
export function impLevelDensities(fraction: number, density: number): number[] {
  if (!(fraction > 0 && fraction < 1) || !(density > 0 && density < 1)) return [canonicalNumber(density)];
  const levels: number[] = [];
  for (let level = 1; level <= MAX_IMP_LEVELS; level++) {
    const levelDensity = canonicalNumber((1 - fraction) ** level);
    if (Math.abs(levelDensity - density) <= LEVEL_MATCH * density) {
      levels.push(levelDensity);
      return levels;
    }
    if (levelDensity < density) break;
    levels.push(levelDensity);
  }
  levels.push(canonicalNumber(density));
  return levels;
}

/**
 * The content hash of a training configuration, which every job of a point builds on.
 * Test adversaries are a set: their order and repetitions do not change any result. Fields
 * added since release 1 are left out while they hold their neutral value (`added`).
 */
export function trainHash(train: TrainConfig, added: readonly AddedField[] = ADDED_FIELDS.train): string {
  const identity = (added.length === 0 ? train : omitNeutral(train, added)) as TrainConfig;
  const adversaries = new Map(identity.testAdversaries.map((adversary) => [canonicalize(adversary), adversary]));
  const testAdversaries = [...adversaries.keys()].sort().map((key) => adversaries.get(key));
  return contentHash({ ...identity, testAdversaries });
}

interface MaskSpec {
  strategy: MaskJob["config"]["strategy"];
  scope: MaskJob["config"]["scope"];
  density: number;
  source: WeightsRef;
  previousMask: string | null;
  countsFrom: string | null;
}

interface MaskChoice {
  mask: string;
  level: number;
}

/** One dense run and everything built on it: the context every job of a point shares. */
interface Run {
  train: TrainConfig;
  /** trainHash(train), computed once per point. */
  trainKey: string;
  replicate: number;
  /** The dense job's id. */
  dense: string;
}

class PlanBuilder {
  constructor(private readonly added: AddedFields) {}

  private readonly jobs = new Map<string, Job>();
  private readonly keep = new Map<string, Map<string, TrainTime>>();
  private readonly trainKeys = new WeakMap<TrainConfig, string>();
  private readonly trainKeysByText = new Map<string, string>();

  /**
   * Many points share one training configuration: hash it once. Objects are cached by
   * identity; plain JSON text is an exact, cheaper key than the canonical hash for
   * equal configs in different objects.
   */
  private trainKey(train: TrainConfig): string {
    let key = this.trainKeys.get(train);
    if (key !== undefined) return key;
    const text = JSON.stringify(train);
    key = this.trainKeysByText.get(text);
    if (key === undefined) {
      key = trainHash(train, this.added.train);
      this.trainKeysByText.set(text, key);
    }
    this.trainKeys.set(train, key);
    return key;
  }

  private hashOf(id: string): string {
    const job = this.jobs.get(id);
    if (!job) throw new Error(`planner: unknown job ${id}`);
    return job.hash;
  }

  /** A reference by the target's hash, never its id, so the replicate stays out. */
  private refKey(ref: WeightsRef): string {
    return `${this.hashOf(ref.job)}@${timeKey(ref.at)}`;
  }

  private existing(kind: Job["kind"], hash: string, replicate: number): string | null {
    const id = jobId(kind, hash, replicate);
    return this.jobs.has(id) ? id : null;
  }

  private add<J extends Job>(job: J): string {
    if (!this.jobs.has(job.id)) this.jobs.set(job.id, job);
    return job.id;
  }

  private keepCheckpoint(denseId: string, at: TrainTime): void {
    let times = this.keep.get(denseId);
    if (!times) {
      times = new Map();
      this.keep.set(denseId, times);
    }
    times.set(`${at.epoch}:${at.step}`, { epoch: at.epoch, step: at.step });
  }

  dense(train: TrainConfig, trainKey: string, replicate: number): string {
    const hash = hashText(`dense|${trainKey}`);
    const known = this.existing("dense", hash, replicate);
    if (known) return known;
    const job: DenseJob = {
      id: jobId("dense", hash, replicate),
      hash,
      replicate,
      kind: "dense",
      dependsOn: [],
      needs: [],
      cost: trainingCost(train, START),
      config: { ...train, keep: [] },
    };
    return this.add(job);
  }

  mask(run: Run, spec: MaskSpec): string {
    const { train, replicate } = run;
    const optionalHash = (id: string | null) => (id === null ? "-" : this.hashOf(id));
    const hash = hashText(
      `mask|${run.trainKey}|${spec.strategy}|${spec.scope}|${spec.density}|${this.refKey(spec.source)}|` +
        `${optionalHash(spec.previousMask)}|${optionalHash(spec.countsFrom)}`,
    );
    const known = this.existing("mask", hash, replicate);
    if (known) return known;
    const maskInputs = [spec.previousMask, spec.countsFrom].filter((id): id is string => id !== null);
    const job: MaskJob = {
      id: jobId("mask", hash, replicate),
      hash,
      replicate,
      kind: "mask",
      dependsOn: unique([spec.source.job, ...maskInputs]),
      needs: [spec.source, ...maskInputs.map((id): WeightsRef => ({ job: id, at: "final" }))],
      cost: { ...NO_COST },
      config: {
        strategy: spec.strategy,
        scope: spec.scope,
        density: spec.density,
        source: spec.source,
        previousMask: spec.previousMask,
        ...(spec.countsFrom === null ? {} : { countsFrom: spec.countsFrom }),
        train,
      },
    };
    if (spec.source.at !== "final" && this.jobs.get(spec.source.job)?.kind === "dense") {
      this.keepCheckpoint(spec.source.job, spec.source.at);
    }
    return this.add(job);
  }

  sparse(run: Run, prune: PruneConfig, choice: MaskChoice): string {
    const { train, replicate, dense } = run;
    const weights: WeightsRef = { job: dense, at: prune.rewind };
    const hash = hashText(
      `sparse|${run.trainKey}|${pruneKey(prune, this.added.prune)}|${this.hashOf(choice.mask)}|${this.refKey(weights)}|${choice.level}`,
    );
    this.keepCheckpoint(dense, prune.rewind);
    const known = this.existing("sparse", hash, replicate);
    if (known) return known;
    const job: SparseJob = {
      id: jobId("sparse", hash, replicate),
      hash,
      replicate,
      kind: "sparse",
      dependsOn: unique([dense, choice.mask]),
      needs: [weights, { job: choice.mask, at: "final" }],
      cost: trainingCost(train, prune.rewind),
      config: { ...train, prune, mask: choice.mask, weights, level: choice.level },
    };
    return this.add(job);
  }

  /**
   * Magnitude masks: one-shot reads the dense run's final weights; IMP level L reads the
   * final weights of the sparse run at level L−1 and refines that level's mask.
   */
  magnitudeMask(run: Run, prune: PruneConfig): MaskChoice {
    const densities = prune.method === "iterative" ? impLevelDensities(prune.fraction, prune.density) : [prune.density];
    let source: WeightsRef = { job: run.dense, at: "final" };
    let previous: string | null = null;
    for (const [index, density] of densities.entries()) {
      const level = index + 1;
      const mask = this.mask(run, {
        strategy: "magnitude",
        scope: prune.scope,
        density,
        source,
        previousMask: previous,
        countsFrom: null,
      });
      if (level === densities.length) return { mask, level };
      const levelPrune: PruneConfig = { ...prune, strategy: "magnitude", density };
      const sparse = this.sparse(run, levelPrune, { mask, level });
      source = { job: sparse, at: "final" };
      previous = mask;
    }
    throw new Error("planner: IMP chain without levels");
  }

  /**
   * Random masks never read weight values. Global ones are drawn over the shapes of the
   * rewind checkpoint. Layerwise ones keep the per-layer counts of the magnitude mask they
   * are the baseline of (`prune.counts`: the global one unless "layerwise") of the same
   * density and method (open_lth's layerwise shuffle): they name that
   * mask in `countsFrom` and also carry its source and previous mask, so a runner can
   * either read the counts or recompute them.
   */
  randomMask(run: Run, prune: PruneConfig): MaskChoice {
    const level = prune.method === "iterative" ? impLevelDensities(prune.fraction, prune.density).length : 1;
    const spec: MaskSpec = {
      strategy: "random",
      scope: prune.scope,
      density: prune.density,
      source: { job: run.dense, at: prune.rewind },
      previousMask: null,
      countsFrom: null,
    };
    if (prune.scope === "layerwise") {
      const countsScope = prune.counts ?? "global";
      const magnitude = this.magnitudeMask(run, { ...prune, strategy: "magnitude", scope: countsScope }).mask;
      const counts = this.jobs.get(magnitude) as MaskJob;
      spec.source = counts.config.source;
      spec.previousMask = counts.config.previousMask;
      spec.countsFrom = magnitude;
    }
    return { mask: this.mask(run, spec), level };
  }

  point(point: Point): PlanPoint {
    const { train, replicate } = point;
    const trainKey = this.trainKey(train);
    const dense = this.dense(train, trainKey, replicate);
    const base = {
      sweep: point.sweep,
      params: point.params,
      replicate,
      tolerance: point.tolerance,
      ...(point.judge !== undefined ? { judge: point.judge } : {}),
    };
    if (point.prune === null) return { ...base, dense, sparse: null };
    const run: Run = { train, trainKey, replicate, dense };
    const prune = canonicalPrune(point.prune);
    const choice = prune.strategy === "magnitude" ? this.magnitudeMask(run, prune) : this.randomMask(run, prune);
    const sparse = this.sparse(run, prune, choice);
    return { ...base, dense, sparse };
  }

  finish(): Job[] {
    for (const [denseId, times] of this.keep) {
      const job = this.jobs.get(denseId);
      if (job?.kind === "dense") job.config.keep = [...times.values()].sort(compareTime);
    }
    return topologicalOrder([...this.jobs.values()]);
  }
}

/** Canonical numbers; an IMP point's density becomes the density of the level that reaches it. */
function canonicalPrune(prune: PruneConfig): PruneConfig {
  const fraction = canonicalNumber(prune.fraction);
  const levels = prune.method === "iterative" ? impLevelDensities(fraction, prune.density) : [];
  return {
    ...prune,
    density: levels.at(-1) ?? canonicalNumber(prune.density),
    fraction,
    rewind: { epoch: prune.rewind.epoch, step: prune.rewind.step },
  };
}

function unique(ids: string[]): string[] {
  return [...new Set(ids)];
}

function isTopological(jobs: Job[]): boolean {
  const seen = new Set<string>();
  for (const job of jobs) {
    if (!job.dependsOn.every((dep) => seen.has(dep))) return false;
    seen.add(job.id);
  }
  return true;
}

/**
 * Kahn's algorithm, taking ready jobs in first-seen order so plans are deterministic.
 * The builder creates every job after its dependencies, so usually this only checks.
 */
export function topologicalOrder(jobs: Job[]): Job[] {
  if (isTopological(jobs)) return jobs;
  const byId = new Map(jobs.map((job) => [job.id, job]));
  const pending = new Map(jobs.map((job) => [job.id, job.dependsOn.filter((dep) => byId.has(dep)).length]));
  const dependents = new Map<string, string[]>();
  for (const job of jobs) {
    for (const dep of job.dependsOn) dependents.set(dep, [...(dependents.get(dep) ?? []), job.id]);
  }
  const order: Job[] = [];
  const ready = jobs.filter((job) => pending.get(job.id) === 0).map((job) => job.id);
  const position = new Map(jobs.map((job, index) => [job.id, index]));
  while (ready.length > 0) {
    ready.sort((a, b) => (position.get(a) ?? 0) - (position.get(b) ?? 0));
    const id = ready.shift() as string;
    order.push(byId.get(id) as Job);
    for (const next of dependents.get(id) ?? []) {
      const left = (pending.get(next) ?? 0) - 1;
      pending.set(next, left);
      if (left === 0) ready.push(next);
    }
  }
  if (order.length !== jobs.length) throw new Error("planner: dependency cycle");
  return order;
}

/** Every job a point needs, its own dense run included, each once. */
function closure(ids: string[], byId: Map<string, Job>): Job[] {
  const seen = new Map<string, Job>();
  const stack = [...ids];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    const job = byId.get(id);
    if (!job || seen.has(id)) continue;
    seen.set(id, job);
    stack.push(...job.dependsOn);
  }
  return [...seen.values()];
}

function sumCost(jobs: Iterable<Job>): { trainEpochs: number; imagePasses: number } {
  let trainEpochs = 0;
  let imagePasses = 0;
  for (const job of jobs) {
    trainEpochs += job.cost.trainEpochs;
    imagePasses += job.cost.imagePasses;
  }
  return { trainEpochs, imagePasses };
}

export function summarize(points: PlanPoint[], jobs: Job[]): PlanSummary {
  const byId = new Map(jobs.map((job) => [job.id, job]));
  const shared = sumCost(jobs);
  let naiveTrainEpochs = 0;
  let naiveImagePasses = 0;
  for (const point of points) {
    const own = sumCost(closure([point.dense, ...(point.sparse ? [point.sparse] : [])], byId));
    naiveTrainEpochs += own.trainEpochs;
    naiveImagePasses += own.imagePasses;
  }
  const count = (kind: Job["kind"]) => jobs.filter((job) => job.kind === kind).length;
  return {
    points: points.length,
    denseRuns: count("dense"),
    sparseRuns: count("sparse"),
    maskJobs: count("mask"),
    trainEpochs: Math.round(shared.trainEpochs),
    naiveTrainEpochs: Math.round(naiveTrainEpochs),
    imagePasses: Math.round(shared.imagePasses),
    naiveImagePasses: Math.round(naiveImagePasses),
  };
}

export interface PlanOptions {
  /** The identity rule's added fields; tests pass their own to show that adding one renames nothing. */
  addedFields?: AddedFields;
}

export function buildPlan(points: readonly Point[], options: PlanOptions = {}): Plan {
  const builder = new PlanBuilder(options.addedFields ?? ADDED_FIELDS);
  const planPoints = points.map((point) => builder.point(point));
  const jobs = builder.finish();
  return { version: 1, summary: summarize(planPoints, jobs), points: planPoints, jobs };
}
