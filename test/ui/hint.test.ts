/** The commands lthc's messages suggest carry the options that pick the same run. */
import { describe, expect, it } from "vitest";
import { lthcHint } from "../../src/cli/commands/hint.js";

describe("lthcHint", () => {
  it("leaves out the default store and names any other", () => {
    expect(lthcHint("run", "specs/quick.lth", { store: "lthc-runs" })).toBe("`lthc run specs/quick.lth`");
    expect(lthcHint("run", "specs/quick.lth", { store: "/tmp/x" })).toBe("`lthc run specs/quick.lth --store /tmp/x`");
  });

  it("gives lthc run --on slurm and --data-dir, and the other verbs only --store", () => {
    const options = { store: "/tmp/x", dataDir: "/shared/data", slurm: true };
    expect(lthcHint("run", "a.lth", options, ["--wait"])).toBe(
      "`lthc run a.lth --on slurm --store /tmp/x --data-dir /shared/data --wait`",
    );
    expect(lthcHint("cancel", "a.lth", options)).toBe("`lthc cancel a.lth --store /tmp/x`");
    expect(lthcHint("status", "a.lth", options)).toBe("`lthc status a.lth --store /tmp/x`");
  });

  it("quotes a path a shell would split", () => {
    expect(lthcHint("status", "my spec.lth", { store: "/tmp/my runs" })).toBe(
      "`lthc status 'my spec.lth' --store '/tmp/my runs'`",
    );
  });
});
