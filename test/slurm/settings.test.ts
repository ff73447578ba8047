import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../src/core/user-error.js";
import {
  mergeSettings,
  parseSettings,
  readSettingsFile,
  resourceArgs,
  splitArgs,
} from "../../src/runtime/slurm/settings.js";
import { shellQuote, slurmJobName } from "../../src/runtime/slurm/submit.js";
import { dense } from "../executor/fake.js";

describe("Slurm settings", () => {
  it("turn into sbatch options, with the time-limit signal always asked for", () => {
    expect(
      resourceArgs({
        partition: "gpu",
        account: "lab",
        gpusPerJob: 1,
        cpusPerJob: 8,
        mem: "32G",
        time: "4:00:00",
        sbatch: ["--qos=high"],
      }),
    ).toEqual([
      "--partition=gpu",
      "--account=lab",
      "--gpus=1",
      "--cpus-per-task=8",
      "--mem=32G",
      "--time=4:00:00",
      "--signal=B:USR1@120",
      "--qos=high",
    ]);
    expect(resourceArgs({ signalSeconds: 600 })).toEqual(["--signal=B:USR1@600"]);
  });

  it("are read from <store>/slurm.json, overridden by the command line, extra options added up", async () => {
    const store = mkdtempSync(join(tmpdir(), "lthc-slurm-settings-"));
    expect(await readSettingsFile(store)).toEqual({});
    writeFileSync(
      join(store, "slurm.json"),
      JSON.stringify({ partition: "gpu", time: "1:00:00", sbatch: ["--qos=a"] }),
    );
    const file = await readSettingsFile(store);
    expect(mergeSettings(file, { time: "2:00:00", partition: undefined, sbatch: ["--qos=b"] })).toEqual({
      partition: "gpu",
      time: "2:00:00",
      sbatch: ["--qos=a", "--qos=b"],
    });
  });

  it("reject unknown keys and wrong types with the file named", async () => {
    expect(() => parseSettings({ partitions: "gpu" }, "s.json")).toThrow(/s\.json: unknown setting 'partitions'/);
    expect(() => parseSettings({ gpusPerJob: "1" }, "s.json")).toThrow(UserError);
    expect(() => parseSettings([], "s.json")).toThrow(/expected a JSON object/);
    const store = mkdtempSync(join(tmpdir(), "lthc-slurm-settings-"));
    writeFileSync(join(store, "slurm.json"), "{ partition: gpu");
    await expect(readSettingsFile(store)).rejects.toThrow(/not valid JSON/);
  });

  it("split a pass-through option string as a shell would, quotes included", () => {
    expect(splitArgs(`--qos=high  --constraint='a100 80gb' "--comment=two words"`)).toEqual([
      "--qos=high",
      "--constraint=a100 80gb",
      "--comment=two words",
    ]);
    expect(splitArgs("")).toEqual([]);
  });
});

describe("Slurm job scripts", () => {
  it("name jobs lthc:<sweep>:<kind>:<short id>, a dense part by where it ends", () => {
    const job = dense("dense-0123456789abcdef-r2");
    expect(slurmJobName(job, "widths", null)).toBe("lthc:widths:dense:01234567-r2");
    expect(slurmJobName(job, "widths", { epoch: 8, step: 0 })).toBe("lthc:widths:dense:01234567-r2@e8");
  });

  it("quote paths for sh", () => {
    expect(shellQuote("/a b/it's")).toBe(`'/a b/it'\\''s'`);
  });
});
