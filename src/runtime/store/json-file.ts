import { readFile, rename } from "node:fs/promises";

/** What reading a store file found: nothing, a value, or a file that is there but unusable. */
export type JsonRead<T> = { kind: "missing" } | { kind: "ok"; value: T } | { kind: "corrupt"; reason: string };

/** Read and validate a JSON file; a torn, truncated or wrongly shaped file is "corrupt", never an exception. */
export async function readJsonFile<T>(path: string, validate: (value: unknown) => string | null): Promise<JsonRead<T>> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { kind: "missing" };
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { kind: "corrupt", reason: `not valid JSON (${(error as Error).message})` };
  }
  const problem = validate(value);
  return problem === null ? { kind: "ok", value: value as T } : { kind: "corrupt", reason: problem };
}

/** Keep a corrupt file for inspection under a new name, so that the job can be redone without losing evidence. */
export async function quarantine(path: string, why = "corrupt"): Promise<string> {
  const aside = `${path}.${why}-${Date.now()}`;
  try {
    await rename(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  return aside;
}
