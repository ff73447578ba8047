/**
 * Golden plans: every test/golden/plans/<case>.lth has <case>.plan.txt holding the plan
 * summary and a compact job listing (jobs by position, not by hash, so a reviewer reads
 * the structure). `UPDATE_GOLDEN=1 npx vitest run test/golden` rewrites them.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatAdversary } from "../../../src/compiler/explain.js";
import { analyze } from "../../../src/compiler/index.js";
import { buildPlan } from "../../../src/compiler/plan.js";
import { formatTime } from "../../../src/core/labels.js";
import type { Job, Plan, WeightsRef } from "../../../src/core/plan-types.js";

const DIR = new URL(".", import.meta.url).pathname;
const UPDATE = process.env.UPDATE_GOLDEN === "1";
/** Long plans list their first jobs only; the summary still counts all of them. */
const MAX_LISTED = 40;

function describeJob(job: Job, index: Map<string, number>): string {
  const ref = (r: WeightsRef) => `#${index.get(r.job)}@${r.at === "final" ? "final" : formatTime(r.at)}`;
  const head = `#${index.get(job.id)} ${job.kind} r${job.replicate}`;
  switch (job.kind) {
    case "dense": {
      const c = job.config;
      const keep = c.keep.map(formatTime).join(",");
      return `${head} ${c.dataset.name} ${c.model.kind}${JSON.stringify(Object.values(c.model).slice(1))} ${formatAdversary(c.adversary)} ${c.schedule.epochs}ep keep[${keep}]`;
    }
    case "mask": {
      const c = job.config;
      const extra = [
        c.previousMask ? `refines #${index.get(c.previousMask)}` : "",
        c.countsFrom ? `counts #${index.get(c.countsFrom)}` : "",
      ];
      return `${head} ${c.strategy} ${c.scope} d=${c.density} from ${ref(c.source)} ${extra.join(" ").trim()}`.trimEnd();
    }
    case "sparse": {
      const c = job.config;
      return `${head} ${c.prune.strategy} ${c.prune.scope} ${c.prune.method} d=${c.prune.density} level ${c.level} weights ${ref(c.weights)} mask #${index.get(c.mask)} ${c.schedule.epochs}ep`;
    }
  }
}

function renderGolden(plan: Plan): string {
  const index = new Map(plan.jobs.map((job, i) => [job.id, i]));
  const listed = plan.jobs.slice(0, MAX_LISTED).map((job) => describeJob(job, index));
  const more = plan.jobs.length > MAX_LISTED ? [`… ${plan.jobs.length - MAX_LISTED} more jobs`] : [];
  return `${JSON.stringify(plan.summary, null, 2)}\n\njobs:\n${[...listed, ...more].join("\n")}\n`;
}

const cases = readdirSync(DIR)
  .filter((name) => name.endsWith(".lth"))
  .sort();

describe("golden plans", () => {
  it("has at least 12 cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(12);
  });

  for (const name of cases) {
    it(name, () => {
      const file = join(DIR, name);
      const text = readFileSync(file, "utf8");
      const result = analyze(text, name);
      const errors = result.diagnostics.filter((d) => d.severity === "error");
      expect(errors.map((d) => d.message)).toEqual([]);
      const actual = renderGolden(buildPlan(result.points));
      const expectedFile = file.replace(/\.lth$/, ".plan.txt");
      if (UPDATE) writeFileSync(expectedFile, actual);
      expect(existsSync(expectedFile), `${expectedFile} missing: run UPDATE_GOLDEN=1`).toBe(true);
      expect(actual).toBe(readFileSync(expectedFile, "utf8"));
    });
  }
});
