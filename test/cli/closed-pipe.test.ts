/** Output into a reader that goes away (`lthc … | head -1`) ends quietly, as Unix tools do. */
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";

/** Run the CLI with stdout read by a reader that closes after the first chunk. */
function lthcIntoClosingReader(...args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("node", ["bin/lthc.js", ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.stdout.once("data", () => child.stdout.destroy());
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

describe("a closed stdout pipe", () => {
  it("lthc plan --json exits without a stack trace", async () => {
    const { code, stderr } = await lthcIntoClosingReader("plan", "specs/thesis.lth", "--json");
    expect(stderr).not.toContain("EPIPE");
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(code).toBe(0);
  }, 60_000);
});
