/**
 * The thesis's three questions, answered from result rows (pure, no I/O):
 *  1. is there a matching subnetwork: at some density, pruning with rewinding reaches
 *     the dense accuracy (mean over replicates) within the tolerance;
 *  2. is it nontrivial: at some matching density the random baseline does not match;
 *  3. the smallest matching density, next to standard training's for the same model.
 * Accuracy is each finished job's final-epoch accuracy against the adversary it is judged on
 * (`judge`, default its training adversary, as in the thesis).
 */

import type { DatasetName } from "../../core/config.js";
import { DATASETS } from "../../core/datasets.js";
import type { ResultRow } from "./rows.js";

/**
 * An accuracy below this multiple of chance (1/classes) is "near chance": such a network has
 * not learned the task (a unit mistake in ε, a learning rate that diverged, a collapsed layer),
 * so comparing other networks with it answers nothing. Above it, "well above chance".
 */
export const NEAR_CHANCE_FACTOR = 2;

/** Chance accuracy of a dataset: 1 / number of classes (0.1 when the dataset is unknown). */
export function chanceAccuracy(dataset: string): number {
  const info = DATASETS[dataset as DatasetName];
  return 1 / (info?.classes ?? 10);
}

/** Whether an accuracy (fraction) is at or near chance for the dataset. */
export function nearChance(accuracy: number, dataset: string): boolean {
  return accuracy < NEAR_CHANCE_FACTOR * chanceAccuracy(dataset);
}

export interface Stat {
  mean: number;
  /** Sample standard deviation over replicates (0 for a single replicate). */
  std: number;
  n: number;
}

/** One prunable layer of the masks at one density: the mean kept fraction over replicates. */
export interface LayerFraction {
  layer: string;
  density: number;
  /** Replicates whose mask keeps none of this layer's weights (layer collapse). */
  emptied: number;
}

export interface DensityResult {
  density: number;
  magnitude: Stat | null;
  random: Stat | null;
  /** Per-layer densities of the masks behind `magnitude` and `random`; null while unknown. */
  magnitudeLayers: LayerFraction[] | null;
  randomLayers: LayerFraction[] | null;
  /** Null where that strategy has no finished replicate (or no dense accuracy). */
  magnitudeMatches: boolean | null;
  randomMatches: boolean | null;
}

/** A job of the group that failed or is blocked: it has no accuracy, and the report says why. */
export interface Failure {
  kind: "dense" | "sparse";
  /** "" for the dense run. */
  strategy: string;
  /** 1 for the dense run. */
  density: number;
  replicate: number;
  status: "failed" | "blocked";
  /** The reason and what to do about it. */
  reason: string;
}

export interface AttackAboveClean {
  kind: "dense" | "sparse";
  strategy: string;
  density: number;
  replicate: number;
  clean: number;
  adversary: string;
  accuracy: number;
}

export interface GroupAnalysis {
  /** Identifies the group: dense configuration, pruning method and rewind point. */
  key: string;
  dataset: string;
  model: string;
  trainAdversary: string;
  /** The adversary the answers are judged on (its complete key). */
  judge: string;
  /**
   * Finished runs whose final accuracy under some attack exceeds their clean accuracy while the
   * clean accuracy is well above chance: the signature of catastrophic overfitting or gradient masking.
   */
  attackAboveClean: AttackAboveClean[];
  method: string;
  rewind: string;
  /** Scope of the magnitude pruning ("global" | "layerwise"; "" without magnitude pruning). */
  scope: string;
  /**
   * The random baseline compared with: "global" (thesis), "layerwise:global" or
   * "layerwise:layerwise" (per-layer counts of that magnitude mask); null when none like it ran.
   */
  baseline: string | null;
  /** Parameters shared by the group's dense runs, e.g. { k: 8, n: 2 }. */
  params: Record<string, string | number>;
  /** In accuracy points. */
  tolerance: number;
  dense: Stat | null;
  /** The group's failed and blocked jobs (dense run first), each once. */
  failures: Failure[];
  /** Densest first. */
  densities: DensityResult[];
  /** Null when unknown: no finished dense run or no finished magnitude-pruned run. */
  matching: boolean | null;
  smallestMatching: number | null;
  /** Null when the random baseline is missing at every matching density. */
  nontrivial: boolean | null;
  /** Matching densities where the random baseline does not match. */
  nontrivialDensities: number[];
  /**
   * Set when the dense network is at or near chance: then the three questions have no answer
   * (matching, nontrivial and smallestMatching are null) and this says why.
   */
  noAnswer: string | null;
  /** Standard training's answers for the same model, method and rewind; absent when the results have none. */
  standard?: { matching: boolean | null; smallestMatching: number | null };
}

/** Tolerances are in accuracy points; accuracies are fractions. Guards float noise in the comparison. */
const EPSILON = 1e-9;

export function stat(values: readonly number[]): Stat | null {
  const n = values.length;
  if (n === 0) return null;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, std: Math.sqrt(variance), n };
}

export function matches(sparse: Stat | null, dense: Stat | null, tolerance: number): boolean | null {
  if (!sparse || !dense) return null;
  return sparse.mean >= dense.mean - tolerance / 100 - EPSILON;
}

interface FinalAccuracy {
  row: ResultRow;
  accuracy: number;
}

/** Each finished job's accuracy against the adversary it is judged on (default: its training adversary) at its last epoch. */
export function finalAccuracies(rows: readonly ResultRow[]): FinalAccuracy[] {
  const byJob = new Map<string, ResultRow[]>();
  for (const row of rows) {
    if (row.status !== "done") continue;
    const key = `${row.sweep}\u0000${row.job}`;
    byJob.set(key, [...(byJob.get(key) ?? []), row]);
  }
  const finals: FinalAccuracy[] = [];
  for (const jobRows of byJob.values()) {
    const last = Math.max(...jobRows.map((r) => r.epoch));
    const row = jobRows.find((r) => r.epoch === last && r.adversary === r.judge);
    if (row && row.accuracy !== null) finals.push({ row, accuracy: row.accuracy });
  }
  return finals;
}

/** A group: one dense configuration, pruning method, rewind point and magnitude-pruning scope. */
interface GroupSpec {
  key: string;
  first: ResultRow;
  /** Scope of the magnitude pruning plotted ("" when the group has none). */
  scope: string;
  /** The random baseline compared against (see `baselineOf`), or null when there is none like it. */
  baseline: string | null;
}

const prefixOf = (r: ResultRow) => `${r.base}|${r.method}|${r.rewind}`;

/**
 * Which random masks a random row's are: "global" (the thesis's: uniform over the network),
 * or "layerwise:<scope>" (per-layer counts of that scope's magnitude mask, open_lth's).
 */
function baselineOf(row: ResultRow): string {
  return row.scope === "global" ? "global" : `layerwise:${row.counts || "global"}`;
}

/**
 * The baseline a magnitude scope is compared with, like with like (docs/science.md): global
 * magnitude pruning with the thesis's global random mask, else with the layerwise shuffle of
 * the global magnitude mask (its per-layer counts); layerwise magnitude pruning with the
 * layerwise shuffle of its own masks, else with the global random mask (which keeps the same
 * fraction of every layer in expectation). Never a shuffle of the other scope's masks.
 */
function baselineFor(scope: string, available: Set<string>): string | null {
  const preference =
    scope === "global"
      ? ["global", "layerwise:global"]
      : scope === "layerwise"
        ? ["layerwise:layerwise", "global"]
        : [...available].sort();
  return preference.find((b) => available.has(b)) ?? null;
}

/**
 * Groups come from every row, finished or not, so that a group with missing data still
 * shows up. Magnitude pruning at different scopes makes separate groups; each is paired
 * with its own kind of random baseline (`baselineFor`).
 */
function groupSpecs(rows: readonly ResultRow[]): GroupSpec[] {
  const specs = new Map<string, GroupSpec>();
  const baselines = new Map<string, Set<string>>();
  const firstSparse = new Map<string, ResultRow>();
  for (const row of rows.filter((r) => r.kind === "sparse")) {
    const prefix = prefixOf(row);
    if (!firstSparse.has(prefix)) firstSparse.set(prefix, row);
    if (row.strategy === "random") {
      baselines.set(prefix, (baselines.get(prefix) ?? new Set()).add(baselineOf(row)));
    } else if (!specs.has(`${prefix}|${row.scope}`)) {
      specs.set(`${prefix}|${row.scope}`, {
        key: `${prefix}|${row.scope}`,
        first: row,
        scope: row.scope,
        baseline: null,
      });
    }
  }
  for (const [prefix, first] of firstSparse) {
    if (![...specs.values()].some((g) => prefixOf(g.first) === prefix)) {
      specs.set(`${prefix}|`, { key: `${prefix}|`, first, scope: "", baseline: null });
    }
  }
  for (const spec of specs.values()) {
    spec.baseline = baselineFor(spec.scope, baselines.get(prefixOf(spec.first)) ?? new Set());
  }
  const sparseBases = new Set(rows.filter((r) => r.kind === "sparse").map((r) => r.base));
  for (const row of rows) {
    const key = `${row.base}|||`;
    if (row.kind === "dense" && !sparseBases.has(row.base) && !specs.has(key)) {
      specs.set(key, { key, first: row, scope: "", baseline: null });
    }
  }
  return [...specs.values()];
}

/** Replicates of one job configuration count once even if several sweeps list them. */
function uniqueJobs(finals: FinalAccuracy[]): FinalAccuracy[] {
  const seen = new Map<string, FinalAccuracy>();
  for (const f of finals) if (!seen.has(f.row.job)) seen.set(f.row.job, f);
  return [...seen.values()];
}

export function analyzeResults(rows: readonly ResultRow[]): GroupAnalysis[] {
  const finals = uniqueJobs(finalAccuracies(rows));
  const denseByBase = new Map<string, FinalAccuracy[]>();
  for (const f of finals.filter((f) => f.row.kind === "dense")) {
    denseByBase.set(f.row.base, [...(denseByBase.get(f.row.base) ?? []), f]);
  }
  const results = groupSpecs(rows).map((spec) =>
    analyzeGroup(spec, rows, denseByBase.get(spec.first.base) ?? [], finals),
  );
  return withStandardComparison(results);
}

function inGroup(spec: GroupSpec, row: ResultRow): boolean {
  if (row.kind !== "sparse" || prefixOf(row) !== prefixOf(spec.first)) return false;
  return row.strategy === "random" ? baselineOf(row) === spec.baseline : row.scope === spec.scope;
}

function analyzeGroup(
  spec: GroupSpec,
  rows: readonly ResultRow[],
  denseFinals: FinalAccuracy[],
  finals: FinalAccuracy[],
): GroupAnalysis {
  const { first } = spec;
  const sparseFinals = finals.filter((f) => inGroup(spec, f.row));
  const tolerance = first.tolerance;
  const dense = stat(denseFinals.map((f) => f.accuracy));
  const densityValues = [...new Set(rows.filter((r) => inGroup(spec, r)).map((r) => r.density))].sort((a, b) => b - a);
  const densities = densityValues.map((density): DensityResult => {
    const of = (strategy: string) =>
      stat(sparseFinals.filter((f) => f.row.density === density && f.row.strategy === strategy).map((f) => f.accuracy));
    const magnitude = of("magnitude");
    const random = of("random");
    const layersOf = (strategy: string) =>
      layerFractions(rows.filter((r) => inGroup(spec, r) && r.density === density && r.strategy === strategy));
    return {
      density,
      magnitude,
      random,
      magnitudeLayers: layersOf("magnitude"),
      randomLayers: layersOf("random"),
      magnitudeMatches: matches(magnitude, dense, tolerance),
      randomMatches: matches(random, dense, tolerance),
    };
  });
  const denseRow = rows.find((r) => r.kind === "dense" && r.base === first.base);
  const chance = chanceAccuracy(first.dataset);
  const denseAtChance =
    dense && first.kind === "sparse" && nearChance(dense.mean, first.dataset)
      ? `the dense network is at or near chance (${(dense.mean * 100).toFixed(2)}%; chance is ${(chance * 100).toFixed(3).replace(/\.?0+$/, "")}%): ` +
        "it has not learned the task, so no subnetwork can be called matching; check ε's units, the learning rate and `lthc check`'s warnings"
      : null;
  return {
    key: spec.key,
    dataset: first.dataset,
    model: first.model,
    trainAdversary: first.trainAdversary,
    judge: first.judge,
    attackAboveClean: attackAboveClean(
      rows.filter((r) => (r.kind === "dense" && r.base === first.base) || inGroup(spec, r)),
    ),
    method: first.kind === "sparse" ? first.method : "",
    rewind: first.kind === "sparse" ? first.rewind : "",
    scope: spec.scope,
    baseline: spec.baseline,
    params: denseRow?.params ?? {},
    tolerance,
    dense,
    failures: failuresOf(rows.filter((r) => (r.kind === "dense" && r.base === first.base) || inGroup(spec, r))),
    densities,
    ...(denseAtChance ? unanswered(denseAtChance) : { ...answers(densities), noAnswer: null }),
  };
}

/** Mean kept fraction per layer over the distinct masks (jobs) of the rows; null when none recorded it. */
export function layerFractions(rows: readonly ResultRow[]): LayerFraction[] | null {
  const byJob = new Map<string, NonNullable<ResultRow["layers"]>>();
  for (const r of rows) if (r.layers && !byJob.has(r.job)) byJob.set(r.job, r.layers);
  const masks = [...byJob.values()];
  if (masks.length === 0) return null;
  return masks[0].map((first, i) => {
    const fractions = masks.map((m) => (m[i]?.total ? m[i].kept / m[i].total : 1));
    return {
      layer: first.layer,
      density: fractions.reduce((a, b) => a + b, 0) / fractions.length,
      emptied: masks.filter((m) => m[i] && m[i].total > 0 && m[i].kept === 0).length,
    };
  });
}

/** See GroupAnalysis.attackAboveClean: final epochs of finished jobs, each (job, adversary) once. */
export function attackAboveClean(rows: readonly ResultRow[]): AttackAboveClean[] {
  const out = new Map<string, AttackAboveClean>();
  const byJob = new Map<string, ResultRow[]>();
  for (const r of rows) if (r.status === "done") byJob.set(r.job, [...(byJob.get(r.job) ?? []), r]);
  for (const jobRows of byJob.values()) {
    const last = Math.max(...jobRows.map((r) => r.epoch));
    const final = jobRows.filter((r) => r.epoch === last);
    const clean = final.find((r) => r.adversary === "clean")?.accuracy;
    if (clean == null || nearChance(clean, final[0].dataset)) continue;
    for (const r of final) {
      if (r.adversary === "clean" || r.accuracy === null || r.accuracy <= clean) continue;
      out.set(`${r.job}|${r.adversary}`, {
        kind: r.kind,
        strategy: r.strategy,
        density: r.density,
        replicate: r.replicate,
        clean,
        adversary: r.adversary,
        accuracy: r.accuracy,
      });
    }
  }
  return [...out.values()];
}

function failuresOf(rows: readonly ResultRow[]): Failure[] {
  const seen = new Map<string, Failure>();
  for (const r of rows) {
    if ((r.status !== "failed" && r.status !== "blocked") || seen.has(r.job)) continue;
    seen.set(r.job, {
      kind: r.kind,
      strategy: r.strategy,
      density: r.density,
      replicate: r.replicate,
      status: r.status,
      reason: r.reason,
    });
  }
  return [...seen.values()].sort((a, b) => (a.kind === b.kind ? b.density - a.density : a.kind === "dense" ? -1 : 1));
}

function unanswered(
  reason: string,
): Pick<GroupAnalysis, "matching" | "smallestMatching" | "nontrivial" | "nontrivialDensities" | "noAnswer"> {
  return { matching: null, smallestMatching: null, nontrivial: null, nontrivialDensities: [], noAnswer: reason };
}

function answers(
  densities: DensityResult[],
): Pick<GroupAnalysis, "matching" | "smallestMatching" | "nontrivial" | "nontrivialDensities"> {
  const known = densities.filter((d) => d.magnitudeMatches !== null);
  if (known.length === 0) return { matching: null, smallestMatching: null, nontrivial: null, nontrivialDensities: [] };
  const matching = known.filter((d) => d.magnitudeMatches);
  if (matching.length === 0)
    return { matching: false, smallestMatching: null, nontrivial: false, nontrivialDensities: [] };
  const nontrivialDensities = matching.filter((d) => d.randomMatches === false).map((d) => d.density);
  const randomKnown = matching.some((d) => d.randomMatches !== null);
  return {
    matching: true,
    smallestMatching: Math.min(...matching.map((d) => d.density)),
    nontrivial: nontrivialDensities.length > 0 ? true : randomKnown ? false : null,
    nontrivialDensities,
  };
}

/** Question 3 compares each adversary with standard training of the same model, pruning method and rewind point. */
function withStandardComparison(groups: GroupAnalysis[]): GroupAnalysis[] {
  const same = (a: GroupAnalysis, b: GroupAnalysis) =>
    a.dataset === b.dataset &&
    a.model === b.model &&
    a.method === b.method &&
    a.rewind === b.rewind &&
    a.scope === b.scope;
  return groups.map((group) => {
    const standard = groups.filter((g) => g.trainAdversary === "clean" && same(g, group));
    if (standard.length === 0) return group;
    const known = standard.find((g) => g.smallestMatching !== null) ?? standard.find((g) => g.matching !== null);
    const chosen = known ?? standard[0];
    return { ...group, standard: { matching: chosen.matching, smallestMatching: chosen.smallestMatching } };
  });
}
