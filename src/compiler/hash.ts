/**
 * Content hashes that name jobs. The key order of objects never matters (canonical
 * JSON), so the same configuration written in any order, in any file, hashes the same.
 */
import { createHash } from "node:crypto";

/** Hex characters kept: 64 bits is ample for the job counts of any plan or store. */
export const HASH_LENGTH = 16;

/**
 * JSON with object keys sorted at every level (what JSON.stringify would give for a
 * plain-data value, keys in code-point order). Hand-written rather than
 * safe-stable-stringify: plans hash thousands of configs and this is several times faster.
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
