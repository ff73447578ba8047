import type { AdversaryConfig } from "../../src/compiler/config.js";

type Pgd = Extract<AdversaryConfig, { kind: "pgd" }>;

/** PGD ℓ∞ with the language's defaults (step ε/n, random start, predicted labels, BN in eval mode), adjustable. */
export function pgdLinf(eps: number, steps: number, over: Partial<Pgd> = {}): Pgd {
  return {
    kind: "pgd",
    norm: "linf",
    eps,
    steps,
    stepSize: eps / steps,
    randomStart: true,
    labels: "predicted",
    bn: "eval",
    ...over,
  };
}
