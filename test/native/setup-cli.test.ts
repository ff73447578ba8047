/** `lthc setup native` as a user runs it a second time: every step comes from the cache, in seconds. */
import { spawnSync } from "node:child_process";
import { expect, it } from "vitest";
import { BINDING_PATCH_REVISION } from "../../src/runtime/setup/binding-patch.js";
import { describeWith } from "../helpers/component.js";
import { nativeMissing } from "../helpers/native.js";

describeWith("native", nativeMissing(), "lthc setup native, again", () => {
  it("reuses the cached libraries and binding, verifies the load and says where libtensorflow came from", () => {
    const r = spawnSync(process.execPath, ["bin/lthc.js", "setup", "native", "--json"], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as {
      record: {
        tensorflowVersion: string;
        wheels: { file: string; sha256: string }[];
        bindingPatchRevision?: number;
      };
      steps: { step: string; outcome: string }[];
    };
    expect(out.record.tensorflowVersion).toBe("2.21.0");
    expect(out.record.wheels[0].file).toMatch(/^tensorflow_cpu-2\.21\.0-/);
    expect(out.record.wheels[0].sha256).toBe("2b847d217b02ee7731ed91431daf3250daa0196c3c94614d23be27232e6e5b6c");
    expect(out.steps.map((s) => s.outcome)).toEqual(["cached", "cached", "cached", "TF_Version 2.21.0"]);
    // Built with the list-attribute patch that the fused convolution needs.
    expect(out.record.bindingPatchRevision).toBe(BINDING_PATCH_REVISION);
    const doctor = spawnSync(process.execPath, ["bin/lthc.js", "doctor"], { encoding: "utf8" });
    expect(doctor.stdout).toMatch(
      /✓ node\s+@tensorflow\/tfjs-node: available \(libtensorflow 2\.21\.0; fused convolution on\)/,
    );
    expect(doctor.stdout).toMatch(
      /node: libtensorflow 2\.21\.0 from tensorflow_cpu-2\.21\.0-.*set up by lthc setup native/,
    );
    expect(doctor.stdout).not.toMatch(/predates lthc's list-attribute patch/);
  });
});
