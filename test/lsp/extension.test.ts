/**
 * The VS Code extension's manifest is consistent with the language and the server:
 * its language id, file extension, comment syntax, grammar scope and the command it runs.
 * (The client itself needs VS Code; its dependencies live in editors/vscode only.)
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { KEYWORDS, SETTING_KEYWORDS } from "../../src/compiler/index.js";
import { repoRoot } from "./harness.js";

const dir = join(repoRoot, "editors", "vscode");
const json = (path: string) => JSON.parse(readFileSync(path, "utf8"));

describe("VS Code extension manifest", () => {
  const manifest = json(join(dir, "package.json"));

  it("contributes the lth language for .lth files, with # comments and brackets", () => {
    const [language] = manifest.contributes.languages;
    expect(language.id).toBe("lth");
    expect(language.extensions).toContain(".lth");
    expect(manifest.activationEvents).toContain("onLanguage:lth");
    const configuration = json(join(dir, language.configuration));
    expect(configuration.comments.lineComment).toBe("#");
    expect(configuration.brackets).toEqual(
      expect.arrayContaining([
        ["(", ")"],
        ["[", "]"],
        ["{", "}"],
      ]),
    );
  });

  it("uses the repository's TextMate grammar scope, with a fallback grammar that knows every keyword", () => {
    const [grammar] = manifest.contributes.grammars;
    expect(grammar.language).toBe("lth");
    const shared = join(repoRoot, "grammar", "lth.tmLanguage.json");
    if (existsSync(shared)) expect(json(shared).scopeName).toBe(grammar.scopeName);
    const fallback = json(join(dir, "fallback", "lth.tmLanguage.json"));
    expect(fallback.scopeName).toBe(grammar.scopeName);
    const words = `${fallback.repository.keyword.match} ${fallback.repository.setting.match}`;
    for (const keyword of [...KEYWORDS, ...SETTING_KEYWORDS]) expect(words).toContain(keyword);
  });

  it("starts `lthc lsp` over stdio with a configurable path", () => {
    expect(manifest.contributes.configuration.properties["lthc.path"].default).toBe("lthc");
    const source = readFileSync(join(dir, "src", "extension.ts"), "utf8");
    expect(source).toContain('args: [lthcPath, "lsp"]');
    expect(source).toContain("TransportKind.stdio");
    expect(manifest.dependencies["vscode-languageclient"]).toBeDefined();
    // The client is the extension's dependency, never the lthc package's.
    const root = json(join(repoRoot, "package.json"));
    expect(root.dependencies["vscode-languageclient"]).toBeUndefined();
  });
});
