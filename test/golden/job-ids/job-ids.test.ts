/**
 * Job ids are names in a researcher's run store: a release that renamed them would
 * silently retrain finished work (docs/planner.md, "Job identity"). These goldens pin the
 * id of every job of the shipped specs, in plan order, so that no refactoring of the
 * compiler or planner changes one by accident. `UPDATE_GOLDEN=1 npx vitest run test/golden`
 * rewrites them, which is only right for a change that means to rename jobs and says so.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../../../src/compiler/index.js";
import { buildPlan } from "../../../src/compiler/plan.js";

const DIR = new URL(".", import.meta.url).pathname;
const ROOT = new URL("../../../", import.meta.url).pathname;
const UPDATE = process.env.UPDATE_GOLDEN === "1";

const SPECS = [
  "specs/quick.lth",
  "specs/thesis.lth",
  "specs/rewind.lth",
  "specs/examples/imp.lth",
  "specs/examples/l2.lth",
  "specs/examples/layerwise-random.lth",
  "specs/examples/overrides.lth",
  "specs/examples/test-adversaries.lth",
];

describe("pinned job ids", () => {
  for (const spec of SPECS) {
    it(spec, () => {
      const text = readFileSync(join(ROOT, spec), "utf8");
      const result = analyze(text, spec);
      expect(result.diagnostics.filter((d) => d.severity === "error").map((d) => d.message)).toEqual([]);
      const plan = buildPlan(result.points);
      const jobs = plan.jobs.map((job) => job.id);
      const points = plan.points.map((point) => `${point.sweep} ${point.dense} ${point.sparse ?? "-"}`);
      const actual = `# ${spec}\njobs:\n${jobs.join("\n")}\npoints:\n${points.join("\n")}\n`;
      const expectedFile = join(DIR, `${basename(spec, ".lth")}.ids.txt`);
      if (UPDATE) writeFileSync(expectedFile, actual);
      expect(existsSync(expectedFile), `${expectedFile} missing: run UPDATE_GOLDEN=1`).toBe(true);
      expect(actual).toBe(readFileSync(expectedFile, "utf8"));
    });
  }
});
