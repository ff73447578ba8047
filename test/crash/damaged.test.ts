/** A real run whose finished dense job's rewind checkpoint got damaged: the next run redoes it and loses nothing. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { keptCheckpointPath } from "../../src/runtime/store/layout.js";
import { openStore, type RunStore } from "../../src/runtime/store/store.js";

const SPEC = "test/executor/fixtures/tiny.lth";

function run(store: string) {
  return spawnSync(
    process.execPath,
    ["bin/lthc.js", "run", SPEC, "--store", store, "--plain", "--backend", "cpu", "--no-report"],
    { encoding: "utf8" },
  );
}

async function outcomes(store: RunStore) {
  const out: Record<string, unknown> = {};
  for (const id of await store.listJobIds()) {
    const result = (await store.readJobRecord(id)).result;
    out[id] = result && { metrics: result.metrics, achievedDensity: result.achievedDensity };
  }
  return out;
}

describe("a damaged checkpoint of a finished job", { timeout: 180_000 }, () => {
  it("is set aside, the job redone, and every result ends as before", async () => {
    const store = openStore(join(mkdtempSync(join(tmpdir(), "lthc-damaged-")), "store"));
    expect(run(store.dir).status).toBe(0);
    const before = await outcomes(store);
    const ids = await store.listJobIds();
    const dense = ids.find((id) => id.startsWith("dense-"))!;
    const sparse = ids.find((id) => id.startsWith("sparse-"))!;
    writeFileSync(keptCheckpointPath(store.paths(dense).dir, { epoch: 1, step: 0 }), "damaged");
    // The sparse job must read the rewind point again: it is gone with its own checkpoints.
    rmSync(store.paths(sparse).result);
    rmSync(store.paths(sparse).checkpoints, { recursive: true });

    const again = run(store.dir);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/^log dense .*keep-e1-s0.*set aside, redoing this job/m);
    expect(await outcomes(store)).toEqual(before);
    expect((await store.readJobRecord(dense)).status).toMatchObject({ state: "done", attempts: 2 });
    expect(readdirSync(store.paths(dense).dir).some((f) => f.startsWith("ckpt.corrupt-"))).toBe(true);
  });
});
