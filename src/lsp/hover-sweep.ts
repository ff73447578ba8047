/** Hover on a sweep or a swept value: its expansion into points and the plan those points make. */

import { plural, withThousands } from "../compiler/explain.js";
import {
  type Expr,
  expandValue,
  type Node,
  type Point,
  SETTINGS_BY_NAME,
  type SweepDecl,
  type Swept,
} from "../compiler/index.js";
import { buildPlan } from "../compiler/plan.js";
import { fence } from "./docs.js";
import type { DocumentAnalysis } from "./language.js";

export function formatValue(value: string | number, asPercent: boolean): string {
  if (typeof value !== "number") return value;
  // Three significant digits down to 10%, two below: 64%, 51.2%, 8.6%, 2.8%.
  if (asPercent) return `${Number((value * 100).toPrecision(value >= 0.1 ? 3 : 2))}%`;
  return String(Number(value.toPrecision(6)));
}

/** `64%, 51.2%, 41%, …, 2.8%`: long lists keep their first three and last values. */
export function formatValues(values: readonly (string | number)[], asPercent: boolean, keep = 6): string {
  const shown = values.map((v) => formatValue(v, asPercent));
  if (shown.length <= keep) return shown.join(", ");
  return `${shown.slice(0, 3).join(", ")}, …, ${shown[shown.length - 1]}`;
}

/** Densities read better as percentages: a parameter is one when the setting it sweeps takes a density. */
function densityParams(sweep: SweepDecl | null): Set<string> {
  const names = new Set<string>();
  for (const setting of sweep?.settings ?? []) {
    const entry = SETTINGS_BY_NAME.get(setting.key.text);
    if (entry?.type !== "density") continue;
    names.add(setting.value.kind === "Swept" ? setting.value.name.text : entry.param);
  }
  return names;
}

export function sweepHover(analysis: DocumentAnalysis, sweep: SweepDecl): string {
  const model = sweep.model ? analysis.sourceOf(sweep.model.range) : "";
  const info = analysis.sweepOf(sweep);
  const header = fence(`sweep ${info?.name ?? sweep.name?.text ?? ""}: ${model}`);
  if (!info) return header;
  const percent = densityParams(sweep);
  const params = info.params.map(
    (p) => `- \`${p.name}\`: ${formatValues(p.values, percent.has(p.name))} (${plural(p.values.length, "value")})`,
  );
  params.push(`- replicates: ${info.replicates}`);
  const points = analysis.pointsOf(sweep);
  const count = points.length > 0 ? points.length : info.params.reduce((n, p) => n * p.values.length, info.replicates);
  const plan =
    points.length > 0
      ? summaryOf(analysis, sweep, points)
      : "Dense and sparse runs are known once this sweep and the settings it uses have no errors (see Problems).";
  return [header, `**${plural(count, "point")}** — the product of:`, params.join("\n"), plan].join("\n\n");
}

/**
 * Planning a sweep (hashing each job) takes milliseconds: its summary is kept while the
 * sweep and the statements it is checked against read the same, across keystrokes elsewhere.
 */
const summaries = new Map<string, string>();

function summaryOf(analysis: DocumentAnalysis, sweep: SweepDecl, points: readonly Point[]): string {
  const shared = analysis.ast.statements.filter((s) => s.kind !== "Sweep").map((s) => analysis.sourceOf(s.range));
  const key = [...shared, analysis.sourceOf(sweep.range)].join("\n");
  let summary = summaries.get(key);
  if (summary === undefined) {
    summary = planSummary(points);
    if (summaries.size >= 64) summaries.clear();
    summaries.set(key, summary);
  }
  return summary;
}

/** Dense runs, sparse runs and epochs, from the planner itself (so sharing is counted as `lthc plan` counts it). */
function planSummary(points: readonly Point[]): string {
  try {
    const { summary } = buildPlan(points);
    const naive =
      summary.naiveTrainEpochs > summary.trainEpochs
        ? ` (${withThousands(summary.naiveTrainEpochs)} without sharing)`
        : "";
    return (
      `Plan of this sweep: **${plural(summary.denseRuns, "dense run")}**, **${plural(summary.sparseRuns, "sparse run")}**, ` +
      `${plural(summary.maskJobs, "mask job")}; ${withThousands(summary.trainEpochs)} training epochs${naive}.`
    );
  } catch {
    return "";
  }
}

/** Hover on `k in [1, 8]` or an anonymous swept value (`80%^[2..16]`): its concrete values. */
export function sweptHover(analysis: DocumentAnalysis, node: Swept | Expr, path: Node[]): string | null {
  const expansion = expandValue(analysis, node);
  if (!expansion) return null;
  const sweep = (path.find((n) => n.kind === "Sweep") as SweepDecl | undefined) ?? null;
  const percent = isDensityValue(sweep, node);
  const name = expansion.param ? `\`${expansion.param}\`` : "this value";
  const total = sweep ? analysis.sweepOf(sweep) : undefined;
  const points = total
    ? ` The sweep has ${plural(
        total.params.reduce((n, p) => n * p.values.length, total.replicates),
        "point",
      )}.`
    : "";
  return `${fence(analysis.sourceOf(node.range))}\n\nSwept: ${name} takes ${plural(expansion.values.length, "value")}: ${formatValues(expansion.values, percent, 24)}.${points}`;
}

/** Whether a swept value sits in a density setting (then its values show as percentages). */
export function isDensityValue(sweep: SweepDecl | null, node: { range: { start: { offset: number } } }): boolean {
  const setting = sweep?.settings.find(
    (s) => s.range.start.offset <= node.range.start.offset && node.range.start.offset <= s.range.end.offset,
  );
  return setting ? SETTINGS_BY_NAME.get(setting.key.text)?.type === "density" : false;
}
