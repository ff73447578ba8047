/**
 * `lthc results` and `lthc report` as a user runs them, on a spec compiled by the real
 * compiler and a hand-made store (the build comes from `npm test`'s pretest).
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadPlan } from "../../src/cli/commands/load-plan.js";
import { writeStore } from "./fixture.js";

const SPEC = `sweep tiny: lenet(32, 16) {
  data synthetic
  epochs 2
  under pgd(linf, 0.1, n in [0, 1])
  prune global|random at w in [50%, 12.5%]
  rewind 1
  reps 2
}
`;

let dir: string;
let spec: string;
let store: string;

function lthc(...args: string[]) {
  const result = spawnSync("node", [join(process.cwd(), "bin/lthc.js"), ...args], { encoding: "utf8", cwd: dir });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "lthc-report-cli-"));
  spec = join(dir, "tiny.lth");
  store = join(dir, "runs");
  await writeFile(spec, SPEC);
  await writeStore(store, (await loadPlan(spec)).plan);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("lthc results", () => {
  it("prints CSV with the required columns and the swept parameters", () => {
    const { code, stdout } = lthc("results", spec, "--store", store);
    expect(code).toBe(0);
    const header = stdout.split("\n")[0].split(",");
    for (const column of ["sweep", "job", "kind", "strategy", "density", "achievedDensity", "rewind"]) {
      expect(header).toContain(column);
    }
    for (const column of ["replicate", "epoch", "adversary", "accuracy", "loss", "n", "w"]) {
      expect(header).toContain(column);
    }
    // 4 dense + 16 sparse jobs, 2 epochs each; standard training is tested clean only.
    expect(stdout.trimEnd().split("\n").length).toBeGreaterThan(1 + 20 * 2);
  });

  it("prints JSON records", () => {
    const { code, stdout } = lthc("results", spec, "--store", store, "--format", "json");
    expect(code).toBe(0);
    const records = JSON.parse(stdout) as Record<string, unknown>[];
    expect(new Set(records.map((r) => r.kind))).toEqual(new Set(["dense", "sparse"]));
  });

  it("rejects an unknown format with one clear message", () => {
    const { code, stderr } = lthc("results", spec, "--store", store, "--format", "xml");
    expect(code).toBe(1);
    expect(stderr).toContain("error: --format must be csv or json, not 'xml'\n");
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});

describe("lthc report", () => {
  it("writes report.md and the plots under <store>/report by default", async () => {
    const { code, stdout } = lthc("report", spec, "--store", store);
    expect(code).toBe(0);
    expect(stdout).toBe("report: runs/report/report.md (3 plots)\n");
    const md = await readFile(join(store, "report", "report.md"), "utf8");
    expect(md).toContain("## The three questions");
    expect(md).toContain("| lenet(32,16) | standard | synthetic | global one-shot, rewind 1 |");
    expect(md).toContain("| lenet(32,16) | pgd(linf,0.1,1) | synthetic | global one-shot, rewind 1 |");
  });

  it("says so when the store has no results for the spec", async () => {
    const { code, stderr } = lthc("report", spec, "--store", join(dir, "empty"), "--out", join(dir, "empty-report"));
    expect(code).toBe(0);
    expect(stderr).toContain("note: 0 of 36 jobs have finished");
    const md = await readFile(join(dir, "empty-report", "report.md"), "utf8");
    expect(md).toContain("_No results for this spec in the store yet:");
  });
});
