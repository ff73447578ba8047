import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../../src/core/plan-types.js";
import { loadResults } from "../../src/runtime/report/load.js";
import type { ResultRow } from "../../src/runtime/report/rows.js";
import { FIXED_COLUMNS, toCsv, toJson } from "../../src/runtime/report/table.js";
import { PGD_NAME, tinyPlan, writeStore } from "./fixture.js";

const REQUIRED = [
  "sweep",
  "job",
  "kind",
  "strategy",
  "density",
  "achievedDensity",
  "rewind",
  "replicate",
  "epoch",
  "adversary",
  "accuracy",
  "loss",
];

/** A minimal RFC 4180 reader, enough to check the writer's quoting. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  return rows;
}

let dir: string;
let plan: Plan;
let rows: ResultRow[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "lthc-results-"));
  plan = tinyPlan();
  const unfinished = new Set(plan.jobs.filter((j) => j.kind === "sparse" && j.replicate === 2).map((j) => j.id));
  await writeStore(join(dir, "store"), plan, unfinished);
  rows = (await loadResults(plan, join(dir, "store"))).rows;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("result rows", () => {
  it("has one row per (job, epoch, test adversary), dense jobs once per sweep", () => {
    // 4 dense jobs × 2 epochs × 2 adversaries; 8 finished sparse × 2 × 2; 8 partial sparse × 1 epoch × 2.
    expect(rows.filter((r) => r.kind === "dense")).toHaveLength(16);
    expect(rows.filter((r) => r.kind === "sparse" && r.status === "done")).toHaveLength(32);
    expect(rows.filter((r) => r.status === "partial")).toHaveLength(16);
    const keys = rows.map((r) => `${r.job}|${r.epoch}|${r.adversary}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("describes sparse rows by their pruning and mask, dense rows as density 1", () => {
    const sparse = rows.find((r) => r.kind === "sparse" && r.strategy === "random" && r.density === 0.25)!;
    expect(sparse).toMatchObject({
      sweep: "tiny",
      scope: "global",
      method: "oneshot",
      rewind: "1",
      achievedDensity: 0.2501,
      dataset: "fashion-mnist",
      model: "lenet(300,100)",
      params: { strategy: "random", w: 0.25 },
    });
    const dense = rows.find((r) => r.kind === "dense" && r.trainAdversary === PGD_NAME)!;
    expect(dense).toMatchObject({ strategy: "", density: 1, achievedDensity: 1, rewind: "", params: { n: 2 } });
  });
});

describe("results tables", () => {
  it("CSV has every required column, the swept parameters, and quotes commas", () => {
    const table = parseCsv(toCsv(rows));
    const [header, ...body] = table;
    for (const column of REQUIRED) expect(header).toContain(column);
    expect(header).toEqual([...FIXED_COLUMNS, "n", "param.strategy", "w"]);
    expect(body).toHaveLength(rows.length);
    for (const line of body) expect(line).toHaveLength(header.length);
    const adversaries = new Set(body.map((line) => line[header.indexOf("adversary")]));
    expect(adversaries).toEqual(new Set(["clean", PGD_NAME]));
    expect(toCsv(rows)).toContain(`"${PGD_NAME}"`);
  });

  it("JSON is an array of flat records with every column present", () => {
    const records = JSON.parse(toJson(rows)) as Record<string, unknown>[];
    expect(records).toHaveLength(rows.length);
    for (const record of records) {
      for (const column of [...REQUIRED, "n", "w"]) expect(record).toHaveProperty(column);
    }
    const dense = records.find((r) => r.kind === "dense")!;
    expect(dense.w).toBeNull();
    expect(dense["param.strategy"]).toBeNull();
  });
});
