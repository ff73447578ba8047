/** Reading dataset files, turning every way they can fail into one UserError naming the file. */
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { gunzip } from "node:zlib";
import { UserError } from "../../core/user-error.js";

const gunzipAsync = promisify(gunzip);

/** Read a file, gunzipping it when its name ends in .gz. */
export async function readDataFile(path: string, hint: string): Promise<Uint8Array> {
  let raw: Buffer;
  try {
    raw = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`cannot read dataset file ${path} (${code ?? String(err)})`, hint);
  }
  if (!path.endsWith(".gz")) return raw;
  try {
    return await gunzipAsync(raw);
  } catch (err) {
    throw new UserError(`corrupt dataset file ${path}: not a complete gzip stream (${(err as Error).message})`, hint);
  }
}

export function corrupt(path: string, what: string, hint: string): UserError {
  return new UserError(`corrupt dataset file ${path}: ${what}`, hint);
}
