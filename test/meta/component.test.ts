import { describe, expect, it } from "vitest";
import { isRequired } from "../helpers/component.js";

describe("LTHC_REQUIRE", () => {
  it("names the components whose absence fails the suite", () => {
    expect(isRequired("native", { LTHC_REQUIRE: "native,slurm" })).toBe(true);
    expect(isRequired("slurm", { LTHC_REQUIRE: " native , slurm " })).toBe(true);
    expect(isRequired("slurm", { LTHC_REQUIRE: "native" })).toBe(false);
    expect(isRequired("native", {})).toBe(false);
  });
});
