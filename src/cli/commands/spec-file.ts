import { readFileSync } from "node:fs";

/** Read a spec, or say in one line why it cannot be read. */
export function readSpecFile(file: string): { text: string } | { error: string } {
  try {
    return { text: readFileSync(file, "utf8") };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { error: `${file}: no such file` };
    if (code === "EISDIR") return { error: `${file}: is a directory, not a .lth file` };
    if (code === "EACCES") return { error: `${file}: permission denied` };
    return { error: `${file}: cannot read (${code ?? String(error)})` };
  }
}
