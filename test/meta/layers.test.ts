/**
 * The data flows one way (README, "Layout"): src/core imports nothing else of lthc; the
 * compiler imports only core; the runtime never imports the compiler's front end, the LSP
 * or the CLI. A relative import that crosses a layer the wrong way fails here.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = resolve("src");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

/** The top-level folders of src/ that a file's relative imports reach. */
function layersImported(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)].map((m) => m[1] as string);
  return specs.map((s) => relative(SRC, resolve(dirname(file), s)).split("/")[0] as string);
}

const ALLOWED: Record<string, string[]> = {
  core: ["core"],
  compiler: ["core", "compiler"],
  // The runtime reads plans (core); it never parses or checks text itself.
  runtime: ["core", "runtime"],
  lsp: ["core", "compiler", "lsp"],
  cli: ["core", "compiler", "runtime", "lsp", "cli"],
};

describe("layers", () => {
  for (const [layer, allowed] of Object.entries(ALLOWED)) {
    it(`src/${layer} imports only ${allowed.join(", ")}`, () => {
      const wrong = sources(join(SRC, layer)).flatMap((file) =>
        layersImported(file)
          .filter((l) => !allowed.includes(l))
          .map((l) => `${relative(SRC, file)} → ${l}`),
      );
      expect(wrong).toEqual([]);
    });
  }
});
