/** The Markdown report: a table answering the three questions, then one plot and table per group. */
import type { DensityResult, GroupAnalysis, LayerFraction, Stat } from "./analysis.js";
import { plotTitle } from "./plot.js";

export interface ReportSection {
  group: GroupAnalysis;
  /** Plot files relative to the report; null when the group has no finished run to plot. */
  plot: { png: string; svg: string } | null;
}

export interface ReportInput {
  specFile: string;
  store: string;
  /** Jobs of the plan that have finished, out of all. */
  finishedJobs: number;
  failedJobs: number;
  totalJobs: number;
  sections: ReportSection[];
  /** Figure 4-1-style panels per model, one panel per training adversary. */
  overviews: { title: string; png: string; svg: string }[];
  /** Relative path of the results CSV. */
  resultsCsv: string;
  /** What computed the jobs behind the report, with how many jobs each (see LoadedResults). */
  engines: Map<string, number>;
}

/** "64%", "51.2%", "2.81%": three significant digits. */
export function densityText(density: number): string {
  return `${Number((density * 100).toPrecision(3))}%`;
}

/** "85.00 ± 0.71 (n=2)"; one replicate has no spread, so "78.80 (n=1)" rather than a made-up "± 0.00". */
export function statText(s: Stat | null): string {
  if (!s) return "—";
  const mean = (s.mean * 100).toFixed(2);
  return s.n > 1 ? `${mean} ± ${(s.std * 100).toFixed(2)} (n=${s.n})` : `${mean} (n=${s.n})`;
}

function trainingText(group: GroupAnalysis): string {
  return group.trainAdversary === "clean" ? "standard" : group.trainAdversary;
}

export function matchingAnswer(group: GroupAnalysis): string {
  if (!group.method) return "— (the sweep does not prune)";
  if (group.noAnswer) return "no answer: the dense network is at chance (see Warnings)";
  if (group.matching === null) {
    return group.dense ? "unknown (no finished pruned run)" : "unknown (no finished dense run)";
  }
  if (!group.matching) return "no";
  const at = group.densities.filter((d) => d.magnitudeMatches).map((d) => densityText(d.density));
  return `yes (at ${at.join(", ")})`;
}

export function nontrivialAnswer(group: GroupAnalysis): string {
  if (group.matching !== true) return "—";
  if (group.nontrivial === null) return "unknown (no random baseline at matching densities)";
  if (!group.nontrivial) return "no (random pruning matches too)";
  return `yes (random fails at ${group.nontrivialDensities.map(densityText).join(", ")})`;
}

export function smallestAnswer(group: GroupAnalysis): string {
  return group.smallestMatching === null ? "—" : densityText(group.smallestMatching);
}

export function standardAnswer(group: GroupAnalysis): string {
  if (group.trainAdversary === "clean") return "(this is standard training)";
  if (!group.standard) return "no standard-training run in this spec";
  if (group.standard.matching === null) return "standard: unknown yet";
  const std = group.standard.smallestMatching;
  if (std === null) return "standard: none matches";
  const own = group.smallestMatching;
  if (own === null) return `standard: ${densityText(std)}`;
  const relation = own < std ? "sparser than" : own > std ? "denser than" : "same as";
  return `${relation} standard (${densityText(std)})`;
}

/** What the group's random baseline is (see analysis.ts, baselineFor). */
export function baselineText(baseline: string | null): string {
  switch (baseline) {
    case "global":
      return "`random` (uniform over the whole network, the thesis's)";
    case "layerwise:global":
      return "`random(layerwise)` (the per-layer counts of the global magnitude masks, open_lth's)";
    case "layerwise:layerwise":
      return "`random(layerwise)` (the per-layer counts of the layerwise magnitude masks)";
    default:
      return "none of the same kind was run";
  }
}

/** "global one-shot, rewind 8"; "—" for a sweep without pruning. */
export function pruningText(group: GroupAnalysis): string {
  if (!group.method) return "—";
  const method = group.method === "iterative" ? "IMP" : "one-shot";
  return `${group.scope ? `${group.scope} ` : ""}${method}, rewind ${group.rewind}`;
}

function cell(text: string): string {
  return text.replaceAll("|", "\\|");
}

function tableRow(cells: string[]): string {
  return `| ${cells.map(cell).join(" | ")} |`;
}

function summaryTable(sections: ReportSection[]): string[] {
  const lines = [
    tableRow([
      "Model",
      "Training",
      "Dataset",
      "Pruning",
      "Dense accuracy (%)",
      "1. Matching subnetwork?",
      "2. Nontrivial?",
      "3. Smallest matching density",
      "vs standard training",
    ]),
    tableRow(Array(9).fill("---")),
  ];
  for (const { group } of sections) {
    lines.push(
      tableRow([
        group.model,
        trainingText(group),
        group.dataset,
        pruningText(group),
        denseText(group),
        matchingAnswer(group),
        nontrivialAnswer(group),
        smallestAnswer(group),
        standardAnswer(group),
      ]),
    );
  }
  return lines;
}

/** The dense accuracy, or why there is none. */
function denseText(group: GroupAnalysis): string {
  if (group.dense) return statText(group.dense);
  const failed = group.failures.find((f) => f.kind === "dense");
  return failed ? `${failed.status} (see its section)` : "—";
}

/** A strategy's accuracy at a density, or whether its runs failed or are blocked. */
function cellText(group: GroupAnalysis, d: DensityResult, strategy: "magnitude" | "random"): string {
  const s = strategy === "magnitude" ? d.magnitude : d.random;
  if (s) return statText(s);
  const failed = group.failures.find((f) => f.kind === "sparse" && f.density === d.density && f.strategy === strategy);
  return failed ? failed.status : "—";
}

function yesNo(value: boolean | null): string {
  return value === null ? "—" : value ? "yes" : "no";
}

function densityTable(group: GroupAnalysis): string[] {
  const densities = group.densities;
  const lines = [
    tableRow(["Density", "Pruning with rewinding (%)", "Random (%)", "Matches dense?", "Random matches?"]),
    tableRow(Array(5).fill("---")),
  ];
  for (const d of densities) {
    lines.push(
      tableRow([
        densityText(d.density),
        cellText(group, d, "magnitude"),
        cellText(group, d, "random"),
        yesNo(d.magnitudeMatches),
        yesNo(d.randomMatches),
      ]),
    );
  }
  return lines;
}

/** "0.24%", "0%", "100%": a kept fraction in percent, 3 significant digits. */
function fractionText(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(3))}%`;
}

/** Per-layer densities of the masks behind each density of the group (those that were run). */
function layerTable(densities: DensityResult[]): string[] {
  const rows: [string, string, LayerFraction[]][] = [];
  for (const d of densities) {
    if (d.magnitudeLayers) rows.push([densityText(d.density), "magnitude", d.magnitudeLayers]);
    if (d.randomLayers) rows.push([densityText(d.density), "random", d.randomLayers]);
  }
  if (rows.length === 0) return [];
  const layers = rows[0][2].map((l) => l.layer);
  return [
    "Per-layer density of the masks (kept fraction of each prunable layer, mean over replicates):",
    "",
    tableRow(["Density", "Mask", ...layers]),
    tableRow(Array(layers.length + 2).fill("---")),
    ...rows.map(([density, mask, fractions]) =>
      tableRow([density, mask, ...fractions.map((f) => fractionText(f.density))]),
    ),
    "",
  ];
}

/** Warnings about a group's results that change how its answers read. */
export function groupWarnings(group: GroupAnalysis): string[] {
  const warnings: string[] = [];
  for (const a of group.attackAboveClean) {
    const what = a.kind === "dense" ? "the dense run" : `${a.strategy} at ${densityText(a.density)}`;
    warnings.push(
      `Accuracy under attack above clean accuracy: ${what} (replicate ${a.replicate}) scores ` +
        `${(a.accuracy * 100).toFixed(1)}% under ${a.adversary} but ${(a.clean * 100).toFixed(1)}% clean — the signature ` +
        "of catastrophic overfitting or gradient masking; judge robustness with a stronger attack (more PGD steps, " +
        "`judge` in the spec or `lthc report --judge`).",
    );
  }
  if (group.noAnswer) warnings.push(`No answer: ${group.noAnswer}.`);
  for (const d of group.densities) {
    for (const [mask, layers] of [
      ["magnitude", d.magnitudeLayers],
      ["random", d.randomLayers],
    ] as const) {
      const emptied = (layers ?? []).filter((l) => l.emptied > 0).map((l) => l.layer);
      if (emptied.length > 0) {
        warnings.push(
          `Layer collapse at ${densityText(d.density)}: the ${mask} mask keeps none of ${emptied.join(", ")}, ` +
            "so the network outputs the same prediction for every input; its accuracy there is that of a constant.",
        );
      }
    }
  }
  return warnings;
}

/** The failed and blocked jobs of a group, each with its reason and what to do. */
function failureLines(group: GroupAnalysis): string[] {
  if (group.failures.length === 0) return [];
  return [
    "Failed and blocked runs (no accuracy; each counts as missing data above):",
    "",
    ...group.failures.map((f) => {
      const what = f.kind === "dense" ? "dense run" : `${f.strategy} at ${densityText(f.density)}`;
      return `- ${what}, replicate ${f.replicate}: **${f.status}**: ${f.reason}`;
    }),
    "",
  ];
}

function warningsSection(sections: ReportSection[]): string[] {
  const lines: string[] = [];
  for (const { group } of sections) {
    for (const w of groupWarnings(group)) lines.push(`- **${plotTitle(group)}**: ${w}`);
  }
  return lines.length === 0 ? [] : ["## Warnings", "", ...lines, ""];
}

/** The engines key for finished jobs whose result.json predates the `engine` field. */
export const UNRECORDED_ENGINE = "not recorded";

/**
 * Which engine computed the results. Two engines differ in rounding, and a PGD-trained ResNet's
 * run on one is a different sample than on the other (docs/backends.md): a mix is said loudly.
 */
function engineLines(engines: Map<string, number>): string[] {
  const unrecorded = engines.get(UNRECORDED_ENGINE) ?? 0;
  const recorded = [...engines].filter(([engine]) => engine !== UNRECORDED_ENGINE);
  if (recorded.length === 0) return [];
  const list = recorded.map(([engine, n]) => `${engine} (${n} job${n === 1 ? "" : "s"})`);
  const older = unrecorded > 0 ? `; ${unrecorded} older job${unrecorded === 1 ? "" : "s"} did not record it` : "";
  if (recorded.length === 1) return [`Computed on ${list[0]}${older}.`, ""];
  return [
    `**Computed on more than one engine**: ${list.join("; ")}${older}. Their results differ in rounding, and for ` +
      "adversarially trained ResNets by more than that; rerun the sweep on one engine (a new `--store`) before comparing close results.",
    "",
  ];
}

export function reportMarkdown(input: ReportInput): string {
  const lines = [
    `# lthc report: ${input.specFile}`,
    "",
    `Run store \`${input.store}\`: ${input.finishedJobs} of ${input.totalJobs} plan jobs finished` +
      (input.failedJobs > 0 ? ` (${input.failedJobs} failed: \`lthc status ${input.specFile}\` says why). ` : ". ") +
      `All result rows: [${input.resultsCsv}](${input.resultsCsv}).`,
    "",
    ...engineLines(input.engines),
    "Accuracy is each run's final-epoch test accuracy against the adversary it is judged on " +
      "(by default the one it was trained with, clean accuracy for standard training; each group says which), " +
      "as mean ± sample standard deviation over replicates. " +
      "A pruned network *matches* when its mean accuracy is at least the dense mean minus the tolerance; " +
      "matching is *nontrivial* at densities where the random baseline does not match.",
    "",
    "## The three questions",
    "",
    ...(input.sections.length > 0
      ? summaryTable(input.sections)
      : [`_No results for this spec in the store yet: \`lthc run ${input.specFile}\` produces them._`]),
    "",
    ...warningsSection(input.sections),
  ];
  for (const overview of input.overviews) {
    lines.push(
      `## Overview: ${overview.title}`,
      "",
      `![${overview.title}](${overview.png})`,
      "",
      `[SVG](${overview.svg})`,
      "",
    );
  }
  for (const section of input.sections) lines.push(...groupSection(section));
  return `${lines.join("\n")}`;
}

function groupSection({ group, plot }: ReportSection): string[] {
  const notes: string[] = [];
  if (plot) notes.push(`[SVG](${plot.svg}).`);
  const params = Object.entries(group.params).map(([k, v]) => `${k} = ${v}`);
  if (params.length > 0) notes.push(`Parameters: ${params.join(", ")}.`);
  if (group.tolerance > 0) notes.push(`Tolerance: ${group.tolerance} accuracy points.`);
  if (group.method) notes.push(`Random baseline: ${baselineText(group.baseline)}.`);
  if (group.method) notes.push(`Judged on: ${group.judge === "clean" ? "clean accuracy" : group.judge}.`);
  notes.push(`Dense accuracy (%): ${denseText(group)}.`);
  return [
    `## ${plotTitle(group)}`,
    "",
    plot ? `![${plotTitle(group)}](${plot.png})` : "_No finished pruned runs to plot (yet)._",
    "",
    notes.join(" "),
    "",
    ...groupWarnings(group).flatMap((w) => [`**Warning:** ${w}`, ""]),
    ...failureLines(group),
    ...densityTable(group),
    "",
    ...layerTable(group.densities),
  ];
}
