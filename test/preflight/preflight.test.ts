/** Fault 12 of issue 11: a problem every job shares is found before any job starts, and reported once. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyze } from "../../src/compiler/index.js";
import { buildPlan } from "../../src/compiler/plan.js";
import type { Job } from "../../src/core/plan-types.js";
import { UserError } from "../../src/core/user-error.js";
import { preflight } from "../../src/runtime/preflight.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "lthc-preflight-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function jobsOf(data: string): Job[] {
  const a = analyze(`data ${data}\nepochs 2\nsweep s: resnet(8) prune global|random at [50%, 25%] rewind 1\n`, "t.lth");
  return buildPlan(a.points).jobs;
}

async function problem(run: Promise<void>): Promise<UserError> {
  try {
    await run;
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error("preflight passed");
}

describe("preflight", () => {
  it("reports a missing dataset once, with where it looked and `lthc data get`", async () => {
    const jobs = jobsOf("cifar10(train=256, test=128)");
    const error = await problem(preflight({ jobs, store: join(dir, "store"), env: {} }));
    expect(error.message.match(/dataset cifar10 not found/g)).toHaveLength(1);
    expect(error.message).toContain(`(${jobs.length} jobs need it)`);
    expect(error.message).toContain("$LTHC_CIFAR10 (not set)");
    expect(error.message).toContain("run `lthc data get cifar10`");
    expect(error.message).toContain(`before any of the ${jobs.length} jobs started`);
  });

  it("passes when the data is there and the store can be written", async () => {
    await expect(preflight({ jobs: jobsOf("synthetic"), store: join(dir, "ok"), env: {} })).resolves.toBeUndefined();
  });

  it("reports every shared problem together: data, store, backend", async () => {
    const store = join(dir, "file-not-dir");
    await import("node:fs/promises").then((fs) => fs.writeFile(store, "x"));
    const error = await problem(
      preflight({
        jobs: jobsOf("cifar10"),
        store,
        backend: "node",
        env: {},
        initBackend: async () => {
          throw new UserError("backend 'node' is unavailable: not installed", "use --backend wasm");
        },
      }),
    );
    expect(error.message).toContain("3 problems every job would hit");
    expect(error.message).toContain(`the run store ${store} cannot be written`);
    expect(error.message).toContain("backend 'node' is unavailable: not installed\n  fix: use --backend wasm");
  });

  it("checks nothing when every job is finished", async () => {
    await expect(preflight({ jobs: [], store: "/nonexistent/store", env: {} })).resolves.toBeUndefined();
  });
});
