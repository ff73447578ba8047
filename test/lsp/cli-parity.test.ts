/**
 * The editor and the CLI share every rule: for the same text, the diagnostics the
 * server publishes are the ones `lthc check` prints (position, caret span, severity,
 * code, message, hint), compared through the CLI's own output.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Diagnostic } from "vscode-languageserver-protocol";
import { type LspClient, repoRoot, startServer } from "./harness.js";

interface Printed {
  line: number;
  column: number;
  width: number;
  severity: string;
  code: string;
  message: string;
  hint?: string;
}

/**
 * Runs `lthc check` once over every case (one process: the CLI's start-up is the slow part) and parses,
 * per file, each diagnostic's `file:line:col: severity[code]: message`, caret line and `hint:`.
 */
function checkWithCli(texts: string[]): Printed[][] {
  const dir = mkdtempSync(join(tmpdir(), "lthc-lsp-parity-"));
  const files = texts.map((text, i) => {
    const file = join(dir, `case${i}.lth`);
    writeFileSync(file, text);
    return file;
  });
  const run = spawnSync(process.execPath, [join(repoRoot, "bin", "lthc.js"), "check", ...files], { encoding: "utf8" });
  const printed: Printed[][] = files.map(() => []);
  for (const block of run.stderr.split("\n\n")) {
    const lines = block.split("\n");
    const header = /^(.*):(\d+):(\d+): (error|warning)\[(\w+)\]: (.*)$/.exec(lines[0] ?? "");
    if (!header) continue;
    const caret = lines.find((l) => /^\s*\| *\^+$/.test(l)) ?? "";
    const hint = lines.find((l) => l.startsWith("hint: "))?.slice("hint: ".length);
    printed[files.indexOf(header[1])]?.push({
      line: Number(header[2]),
      column: Number(header[3]),
      width: (caret.match(/\^/g) ?? []).length,
      severity: header[4],
      code: header[5],
      message: header[6],
      ...(hint !== undefined ? { hint } : {}),
    });
  }
  return printed;
}

function asPrinted(d: Diagnostic, text: string): Printed {
  const [message, hint] = d.message.split("\nhint: ");
  const lineText = text.split("\n")[d.range.start.line] ?? "";
  const endColumn = d.range.end.line === d.range.start.line ? d.range.end.character : lineText.length;
  return {
    line: d.range.start.line + 1,
    column: d.range.start.character + 1,
    width: Math.max(1, endColumn - d.range.start.character),
    severity: d.severity === 1 ? "error" : "warning",
    code: String(d.code),
    message,
    ...(hint !== undefined ? { hint } : {}),
  };
}

const CASES: Record<string, string> = {
  "misspellings and domains": "sweep wrm(20,1) under pgd(lnf, 0.1, 2) at 50\nepoch 3\n",
  "syntax errors": "sweep wrn(20,1) under pgd(linf, 0.1, 2 prune\nlet = 3\n",
  "step larger than eps": "sweep wrn(20,1) under pgd(linf, 0.1, 2, step=0.5)\n",
  "depth and unused let": "let unused = 3\nsweep resnet(21) at 50% rewind 200\n",
  "no sweep": "epochs 10\n",
  "unicode before an error": "# ε = 0.1 — “quoted” 🙂\nsweep wrn(20,1) under pgd(linf, -0.1, 2)\n",
};

const SPECS = ["thesis.lth", "rewind.lth", "quick.lth"].map((name) => ({
  name,
  text: readFileSync(join(repoRoot, "specs", name), "utf8"),
}));

describe("lsp diagnostics = lthc check", () => {
  let client: LspClient;
  let cli: Printed[][];
  const texts = [...Object.values(CASES), ...SPECS.map((s) => s.text)];
  beforeAll(async () => {
    ({ client } = await startServer());
    cli = checkWithCli(texts);
  });
  afterAll(async () => {
    await client.shutdown();
  });

  Object.entries(CASES).forEach(([name, text], index) => {
    it(`agrees with the CLI: ${name}`, async () => {
      const uri = await client.open(text);
      const published = await client.diagnostics(uri);
      expect(cli[index].length).toBeGreaterThan(0);
      expect(published.map((d) => asPrinted(d, text))).toEqual(cli[index]);
    });
  });

  it("agrees with the CLI on the shipped specs", async () => {
    for (const [i, spec] of SPECS.entries()) {
      const uri = await client.open(spec.text);
      const published = await client.diagnostics(uri);
      expect(
        published.map((d) => asPrinted(d, spec.text)),
        spec.name,
      ).toEqual(cli[Object.keys(CASES).length + i]);
    }
    // They were checked on the server's checking thread, which never fell back to the main one.
    expect(client.logs.filter((message) => message.includes("checking"))).toEqual([]);
  });
});
