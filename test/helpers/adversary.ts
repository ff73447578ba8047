import { type PgdConfig, type PgdOptions, pgd } from "../../src/compiler/builders.js";

/** PGD ℓ∞ with the language's defaults (step ε/n, random start, predicted labels, BN in eval mode), adjustable. */
export function pgdLinf(eps: number, steps: number, options: PgdOptions = {}): PgdConfig {
  return pgd("linf", eps, steps, options);
}
