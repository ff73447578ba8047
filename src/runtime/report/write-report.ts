/**
 * `lthc report`: plots (SVG + PNG), results.csv and report.md for a plan's results.
 * Layout of the output directory:
 *   report.md, results.csv, plots/<n>-<model>-<adversary>.svg|.png
 */
import { mkdir } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import type { Plan } from "../../core/plan-types.js";
import { UserError } from "../../core/user-error.js";

import { writeFileAtomic } from "../atomic.js";
import { analyzeResults, type GroupAnalysis } from "./analysis.js";
import { loadResults } from "./load.js";
import { type ReportInput, type ReportSection, reportMarkdown } from "./markdown.js";
import { overviewSpec, plotSpec, renderPng, renderSvg } from "./plot.js";
import type { ResultRow } from "./rows.js";
import { toCsv } from "./table.js";

export interface ReportFiles {
  /** Every file written, absolute or relative as outDir was given. */
  files: string[];
  /** Damaged store files met while reading results. */
  problems: string[];
  /** Plan jobs with a result, out of all. */
  finishedJobs: number;
  totalJobs: number;
}

/** A file name from a group: "1-lenet-300-100-pgd-linf-0.1-2". */
export function plotName(index: number, group: GroupAnalysis): string {
  const parts = [
    group.model,
    group.trainAdversary,
    group.rewind ? `rewind-${group.rewind}` : "",
    group.scope === "layerwise" ? "layerwise" : "",
    group.method === "iterative" ? "imp" : "",
  ];
  const slug = parts
    .filter(Boolean)
    .join("-")
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return `${index + 1}-${slug}`;
}

/**
 * Groups that differ only in the training adversary, for Figure 4-1-style overviews:
 * same dataset, model, pruning method, rewind point and scope.
 */
export function overviewFamilies(groups: GroupAnalysis[]): { title: string; slug: string; groups: GroupAnalysis[] }[] {
  const families = new Map<string, GroupAnalysis[]>();
  for (const g of groups.filter(hasData)) {
    const key = [g.dataset, g.model, g.method, g.rewind, g.scope].join("|");
    families.set(key, [...(families.get(key) ?? []), g]);
  }
  return [...families.values()]
    .filter((members) => new Set(members.map((g) => g.trainAdversary)).size > 1)
    .map((members, index) => {
      const g = members[0];
      const rewind = g.rewind ? ` · rewind ${g.rewind}` : "";
      const scope = g.scope === "layerwise" ? " · layerwise pruning" : "";
      const method = g.method === "iterative" ? " · IMP" : "";
      const title = `${g.model} on ${g.dataset}${rewind}${scope}${method}: test accuracy against the training adversary`;
      const slug = `overview-${index + 1}-${g.model
        .toLowerCase()
        .replace(/[^a-z0-9.]+/g, "-")
        .replace(/^-+|-+$/g, "")}`;
      return { title, slug, groups: members };
    });
}

/** A plot needs at least one finished pruned run: density is its x axis. */
function hasData(group: GroupAnalysis): boolean {
  return group.densities.some((d) => d.magnitude || d.random);
}

export async function writeReportForPlan(options: {
  plan: Plan;
  specFile: string;
  store: string;
  outDir: string;
  /** Judge every group on this adversary key instead of the spec's `judge` (default: the training adversary). */
  judge?: string;
}): Promise<ReportFiles> {
  const { plan, outDir } = options;
  const loaded = await loadResults(plan, options.store);
  if (options.judge !== undefined) loaded.rows = judgedOn(loaded.rows, options.judge);
  const groups = analyzeResults(loaded.rows);
  const files: string[] = [];
  const write = async (name: string, data: string | Uint8Array) => {
    const path = join(outDir, name);
    await writeFileAtomic(path, data);
    files.push(path);
  };
  await mkdir(outDir, { recursive: true });
  await write("results.csv", toCsv(loaded.rows));
  const sections: ReportSection[] = [];
  for (const [index, group] of groups.entries()) {
    if (!hasData(group)) {
      sections.push({ group, plot: null });
      continue;
    }
    const name = plotName(index, group);
    const svg = await renderSvg(plotSpec(group));
    await write(`plots/${name}.svg`, svg);
    await write(`plots/${name}.png`, renderPng(svg));
    sections.push({ group, plot: { svg: `plots/${name}.svg`, png: `plots/${name}.png` } });
  }
  const overviews: ReportInput["overviews"] = [];
  for (const family of overviewFamilies(groups)) {
    const svg = await renderSvg(overviewSpec(family.title, family.groups));
    await write(`plots/${family.slug}.svg`, svg);
    await write(`plots/${family.slug}.png`, renderPng(svg));
    overviews.push({ title: family.title, svg: `plots/${family.slug}.svg`, png: `plots/${family.slug}.png` });
  }
  const markdown = reportMarkdown({
    overviews,
    specFile: options.specFile,
    // Relative to report.md itself, so the line stays right wherever the reader opens it from.
    store: relative(resolve(options.outDir), resolve(options.store)) || ".",
    finishedJobs: loaded.finishedJobs,
    failedJobs: loaded.failedJobs,
    totalJobs: loaded.totalJobs,
    sections,
    resultsCsv: "results.csv",
    engines: loaded.engines,
  });
  await write("report.md", markdown);
  return { files, problems: loaded.problems, finishedJobs: loaded.finishedJobs, totalJobs: loaded.totalJobs };
}

/**
 * The rows, judged on `judge`: an adversary key as `lthc results` prints it ("clean",
 * "pgd(linf,0.3,10)"); spaces are ignored. A key that no row was evaluated against is a
 * user error that lists the ones there are.
 */
export function judgedOn(rows: ResultRow[], judge: string): ResultRow[] {
  const key = judge.replace(/\s+/g, "");
  const evaluated = [...new Set(rows.map((r) => r.adversary).filter((a) => a !== ""))].sort();
  if (!evaluated.includes(key)) {
    throw new UserError(
      `no result was evaluated against ${judge}`,
      evaluated.length > 0
        ? `judge on one of: ${evaluated.join(", ")} (add an adversary to \`test\` in the spec to evaluate it)`
        : "the store has no results for this spec yet",
    );
  }
  return rows.map((r) => ({ ...r, judge: key }));
}

/** Where `lthc report` writes by default: next to the jobs, so that one store holds everything a run produced. */
export function defaultReportDir(store: string): string {
  return join(store, "report");
}
