/** `lthc cancel` against a store with no Slurm submissions of the plan (needs no Slurm: nothing is asked of it). */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

describe("lthc cancel", () => {
  it("fails, naming the store, when no Slurm job of the plan is recorded there", () => {
    const store = join(mkdtempSync(join(tmpdir(), "lthc-cancel-")), "store");
    const result = spawnSync(
      process.execPath,
      ["bin/lthc.js", "cancel", "test/executor/fixtures/tiny.lth", "--store", store],
      { encoding: "utf8" },
    );
    expect(result.status).not.toBe(0);
    expect(result.stdout).not.toContain("cancelled");
    expect(result.stderr).toContain(`no Slurm jobs of this plan are recorded in store ${store}`);
    expect(result.stderr).toContain("did you mean --store?");
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});
