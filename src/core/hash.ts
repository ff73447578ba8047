/**
 * Content hashes that name jobs. The key order of objects never matters (canonical
 * JSON), so the same configuration written in any order, in any file, hashes the same.
 */
import { createHash } from "node:crypto";

/** Hex characters kept: 64 bits is ample for the job counts of any plan or store. */
export const HASH_LENGTH = 16;

/**
 * JSON with object keys sorted at every level (what JSON.stringify would give for a
 * plain-data value, keys in code-point order). Hand-written rather than a library's stable
 * stringify (safe-stable-stringify was measured): plans hash thousands of configs and this is
 * several times faster.
 */
export function canonicalize(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalize).join(",")}]`;
  const record = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const item = record[key];
    if (item === undefined || typeof item === "function") continue;
    parts.push(`${JSON.stringify(key)}:${canonicalize(item)}`);
  }
  return `{${parts.join(",")}}`;
}

export function contentHash(value: unknown): string {
  return hashText(canonicalize(value));
}

/** The hash of a key the caller has already made canonical. */
export function hashText(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, HASH_LENGTH);
}

/**
 * Densities and rates come out of floating-point arithmetic (0.8^k, 1 − 0.2): rounding
 * to 12 significant digits keeps 0.6400000000000001 and 0.64 one identity.
 */
export function canonicalNumber(x: number): number {
  return Number(x.toPrecision(12));
}

/**
 * A field added to the configuration after job ids were first published, with its neutral
 * value: the value under which the code does exactly what releases before the field did.
 * Identity leaves such a field out of the hash while it holds that value (as open_lth leaves
 * default values out of run names), so adding a setting renames no existing job; only a
 * run that sets it to something else gets a new id. See docs/planner.md, "Job identity".
 */
export interface AddedField {
  /** Keys from the hashed object's root down to the field; "*" steps into every array element. */
  path: readonly string[];
  /** Compared as canonical JSON, so key order in an object value never matters. */
  neutral: unknown;
  /** The release that added the field, for reviewers of the identity rule. */
  since: string;
}

/**
 * `value` with every added field that holds its neutral value removed, at any depth its
 * path names. A path that does not exist in `value` (another union member, an older
 * config) is skipped. Returns `value` itself when nothing is removed; never mutates it.
 */
export function omitNeutral(value: unknown, fields: readonly AddedField[]): unknown {
  let result = value;
  for (const field of fields) result = omitAt(result, field.path, canonicalize(field.neutral));
  return result;
}

function omitAt(value: unknown, path: readonly string[], neutral: string): unknown {
  const [head, ...rest] = path;
  if (head === undefined || value === null || typeof value !== "object") return value;
  if (head === "*") return Array.isArray(value) ? value.map((item) => omitAt(item, rest, neutral)) : value;
  if (Array.isArray(value) || !Object.hasOwn(value, head)) return value;
  const record = value as Record<string, unknown>;
  if (rest.length > 0) return { ...record, [head]: omitAt(record[head], rest, neutral) };
  if (canonicalize(record[head]) !== neutral) return value;
  const { [head]: _neutral, ...others } = record;
  return others;
}
