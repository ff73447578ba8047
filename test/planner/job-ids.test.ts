/**
 * Job ids are the names of finished work in every user's run store: a release must never
 * rename them. The expected ids were computed from the shipped specs before the report-side
 * changes of issue 11 (complete metric keys, judged adversary, per-layer densities) and must
 * stay exactly the same. Large plans are pinned by the count and SHA-256 of their sorted ids.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/compiler/index.js";
import { buildPlan } from "../../src/compiler/plan.js";

type Pinned = string[] | { count: number; sha256: string };
const pinned = JSON.parse(readFileSync("test/golden/job-ids/specs.json", "utf8")) as Record<string, Pinned>;

function idsOf(file: string): string[] {
  const result = analyze(readFileSync(file, "utf8"), file);
  expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return buildPlan(result.points)
    .jobs.map((j) => j.id)
    .sort();
}

describe("job ids of the shipped specs never change", () => {
  for (const [file, expected] of Object.entries(pinned)) {
    it(file, () => {
      const ids = idsOf(file);
      if (Array.isArray(expected)) expect(ids).toEqual(expected);
      else
        expect({ count: ids.length, sha256: createHash("sha256").update(ids.join("\n")).digest("hex") }).toEqual(
          expected,
        );
    });
  }
});
