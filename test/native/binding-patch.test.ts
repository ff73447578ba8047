/** The list-attribute patch `lthc setup` applies to tfjs-node's binding source before building it. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { INSERTED_BLOCKS, patchBindingSource } from "../../src/runtime/setup/binding-patch.js";
import { packageDir } from "../../src/runtime/setup/installed.js";
import { describeWith } from "../helpers/component.js";
import { nativeMissing } from "../helpers/native.js";

describe("patchBindingSource", () => {
  it("refuses a source without the expected attribute cases instead of building something else", () => {
    expect(() => patchBindingSource("int main() {}\n")).toThrow(/cannot add list attributes/);
  });
});

describeWith("native", nativeMissing(), "patchBindingSource on tfjs-node 4.22's binding", () => {
  const source = readFileSync(join(packageDir("@tensorflow/tfjs-node"), "binding", "tfjs_backend.cc"), "utf8");

  it("adds list(string) and list(type) attributes and nothing else", () => {
    const patched = patchBindingSource(source);
    expect(source).not.toContain("TFE_OpSetAttrStringList");
    expect(patched).toContain("TFE_OpSetAttrStringList(tfe_op, attr_name");
    expect(patched).toContain("TFE_OpSetAttrTypeList(tfe_op, attr_name");
    // It only inserts: without the inserted blocks (and the #include they need) it is the original.
    let back = patched;
    for (const block of INSERTED_BLOCKS) back = back.replace(block, "");
    if (!source.includes("#include <vector>")) back = back.replace("#include <vector>\n", "");
    expect(back).toBe(source);
  });

  it("is idempotent", () => {
    const once = patchBindingSource(source);
    expect(patchBindingSource(once)).toBe(once);
  });
});
