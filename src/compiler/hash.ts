/**
 * Content hashes that name jobs. The key order of objects never matters (canonical
 * JSON), so the same configuration written in any order, in any file, hashes the same.
 */
import { createHash } from "node:crypto";
import { configure } from "safe-stable-stringify";

const canonicalJson = configure({ deterministic: true, bigint: false, circularValue: Error });

/** Hex characters kept: 64 bits is ample for the job counts of any plan or store. */
export const HASH_LENGTH = 16;

export function canonicalize(value: unknown): string {
  const json = canonicalJson(value);
  if (json === undefined) throw new Error("canonicalize: value has no JSON form");
  return json;
}

export function contentHash(value: unknown): string {
  return createHash("sha256").update(canonicalize(value)).digest("hex").slice(0, HASH_LENGTH);
}

/**
 * Densities and rates come out of floating-point arithmetic (0.8^k, 1 − 0.2): rounding
 * to 12 significant digits keeps 0.6400000000000001 and 0.64 one identity.
 */
export function canonicalNumber(x: number): number {
  return Number(x.toPrecision(12));
}
