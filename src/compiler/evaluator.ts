/**
 * Type-directed evaluation of value expressions into their alternatives. A value is
 * a list of `Alt`s: each a concrete value plus the swept-parameter bindings that
 * select it. Calls take the product of their arguments' alternatives; bindings with
 * the same name must agree (so a name used twice is one parameter, not two).
 */
import type * as A from "./ast.js";
import { CODES, type Diagnostic, type Fix, type Severity, suggest } from "./diagnostics.js";

export interface Binding {
  name: string;
  value: string | number;
  node: A.Expr;
}

export interface Alt<T> {
  value: T;
  /** The expression this value came from (for diagnostics on combinations). */
  node: A.Expr | null;
  params: Binding[];
}

export interface Num {
  value: number;
  unit: A.NumberUnit;
}

/** Merge two binding lists; null when they bind one name to different values. */
export function mergeParams(a: Binding[], b: Binding[]): Binding[] | null {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const out = a.slice();
  for (const binding of b) {
    const existing = out.find((x) => x.name === binding.name);
    if (!existing) out.push(binding);
    else if (existing.value !== binding.value) return null;
  }
  return out;
}

/** Thrown when a value expands to more combinations than any sweep may have. */
export class TooManyCombinations extends Error {}

/** Most combinations one value may expand to (a sweep's own limit is checked separately). */
export const MAX_COMBINATIONS = 200_000;

/** Cartesian product of alternatives, combining values with `combine`. */
export function product<T>(lists: Alt<unknown>[][], combine: (values: unknown[]) => T, node: A.Expr | null): Alt<T>[] {
  if (lists.every((l) => l.length === 1)) {
    // One combination: no copying per argument (a call may have very many).
    let params: Binding[] | null = [];
    for (const l of lists) params = params && mergeParams(params, l[0].params);
    return params ? [{ value: combine(lists.map((l) => l[0].value)), node, params }] : [];
  }
  let acc: { values: unknown[]; params: Binding[] }[] = [{ values: [], params: [] }];
  for (const list of lists) {
    if (acc.length * list.length > MAX_COMBINATIONS) throw new TooManyCombinations();
    const next: typeof acc = [];
    for (const partial of acc) {
      for (const alt of list) {
        const params = mergeParams(partial.params, alt.params);
        if (params) next.push({ values: [...partial.values, alt.value], params });
      }
    }
    acc = next;
  }
  return acc.map((p) => ({ value: combine(p.values), node, params: p.params }));
}

/** Round away float noise (0.8**2 = 0.6400000000000001) so equal densities hash equally. */
export function clean(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(12)) : x;
}

export type Atom<T> = (e: A.Expr) => Alt<T>[];

export class Evaluator {
  readonly diagnostics: Diagnostic[] = [];
  private readonly seen = new Set<string>();
  private readonly letStack: string[] = [];
  private readonly axisNames = new Map<A.Expr, string>();
  usedLets = new Set<string>();
  /** Parameter names taken in the current sweep (explicit names are reserved up front). */
  takenNames = new Set<string>();

  constructor(
    readonly text: string,
    readonly lets: ReadonlyMap<string, A.LetDecl>,
  ) {}

  report(
    code: string,
    node: { range: A.Range },
    message: string,
    hint?: string,
    fix?: Fix,
    severity: Severity = code.startsWith("W") ? "warning" : "error",
  ): void {
    const key = `${code}:${node.range.start.offset}:${node.range.end.offset}:${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.diagnostics.push({
      code,
      severity,
      message,
      range: node.range,
      ...(hint ? { hint } : {}),
      ...(fix ? { fix } : {}),
    });
  }

  source(node: { range: A.Range }): string {
    return this.text.slice(node.range.start.offset, node.range.end.offset);
  }

  /** Start a sweep: forget the previous sweep's parameter names. */
  beginSweep(explicitNames: Iterable<string>, swept: ReadonlyMap<string, A.Swept> = new Map()): void {
    this.axisNames.clear();
    this.takenNames = new Set(explicitNames);
    // A let holding a swept value names it: every use of the let is that one parameter.
    for (const [name, decl] of this.lets) {
      let value = decl.value;
      while (value.kind === "Paren") value = value.inner;
      this.axisNames.set(value, name);
    }
    this.swept = swept;
  }

  /** The current sweep's named parameters, which numbers may refer to. */
  private swept: ReadonlyMap<string, A.Swept> = new Map();

  private anonymousName(node: A.Expr, slot: string): string {
    const known = this.axisNames.get(node);
    if (known) return known;
    let name = slot;
    for (let i = 2; this.takenNames.has(name); i++) name = `${slot}${i}`;
    this.takenNames.add(name);
    this.axisNames.set(node, name);
    return name;
  }

  /**
   * Evaluate an expression that may be swept: `x in S`, `a|b`, `[a, b]`, ranges and
   * geometric sets become alternatives bound to a parameter; `slot` names anonymous ones.
   * A list-valued setting (`milestones`, `test`; `wholeLists`) sweeps whole lists
   * instead: `[80, 120]` is one value, `[80, 120] | [100, 150]` and
   * `m in [[80, 120], [100, 150]]` are two, and a member is never swept further.
   */
  sweepable<T>(e: A.Expr, slot: string, atom: Atom<T>, wholeLists = false): Alt<T>[] {
    switch (e.kind) {
      case "Swept":
        return this.set(e.values, e.name.text, atom, true, wholeLists);
      case "Alternatives":
        return this.set(e, this.anonymousName(e, slot), atom, false, wholeLists);
      case "List":
      case "Range":
      case "Geometric":
        return wholeLists ? atom(e) : this.set(e, this.anonymousName(e, slot), atom, false, false);
      case "Paren":
        return this.sweepable(e.inner, slot, atom, wholeLists);
      case "Ref": {
        const decl = this.lets.get(e.name);
        if (decl) return this.viaLet(decl, e, (value) => this.sweepable(value, decl.name.text, atom, wholeLists));
        return atom(e);
      }
      case "Error":
        return [];
      default:
        return atom(e);
    }
  }

  viaLet<T>(decl: A.LetDecl, ref: A.Ref, evaluate: (value: A.Expr) => Alt<T>[]): Alt<T>[] {
    this.usedLets.add(decl.name.text);
    if (this.letStack.includes(decl.name.text)) {
      this.report(
        CODES.cyclicLet,
        ref,
        `\`${decl.name.text}\` is defined in terms of itself`,
        "a let may not refer to itself, directly or through other lets",
      );
      return [];
    }
    this.letStack.push(decl.name.text);
    try {
      return evaluate(decl.value).map((alt) => ({ ...alt, node: alt.node && isSynthetic(alt.node) ? alt.node : ref }));
    } finally {
      this.letStack.pop();
    }
  }

  /** The members of a set-valued expression, each bound to parameter `name`. */
  private set<T>(e: A.Expr, name: string, atom: Atom<T>, explicit: boolean, wholeLists: boolean): Alt<T>[] {
    const members = this.members(e, explicit);
    const out: Alt<T>[] = [];
    for (const member of members) {
      const display = member.kind === "Number" ? numberDisplay(member) : this.source(member).replace(/\s+/g, " ");
      for (const alt of wholeLists ? atom(member) : this.sweepable(member, name, atom)) {
        const params = mergeParams(alt.params, [{ name, value: display, node: member }]);
        if (params) out.push({ ...alt, params });
      }
    }
    return out;
  }

  /** Member expressions of a set; ranges and geometric sets give synthetic numbers. */
  members(e: A.Expr, explicit: boolean): A.Expr[] {
    switch (e.kind) {
      case "List":
        if (e.items.length === 0)
          this.report(CODES.emptySweep, e, "empty list: a swept value needs at least one value");
        return e.items;
      case "Alternatives":
        return e.options;
      case "Paren":
        return this.members(e.inner, explicit);
      case "Ref": {
        const decl = this.lets.get(e.name);
        if (!decl || this.letStack.includes(e.name)) return [e];
        this.usedLets.add(e.name);
        this.letStack.push(e.name);
        try {
          return this.members(decl.value, explicit);
        } finally {
          this.letStack.pop();
        }
      }
      case "Range":
        return this.rangeValues(e).map((v) => synthetic(v, "", e));
      case "Geometric":
        return this.geometric(e);
      default:
        // `k in 4`: a one-value parameter.
        return [e];
    }
  }

  /** The integers of `[from..to by step]`, inclusive. */
  rangeValues(e: A.RangeExpr): number[] {
    const from = this.integerOf(e.from);
    const to = this.integerOf(e.to);
    const by = e.by ? this.integerOf(e.by) : 1;
    if (from === null || to === null || by === null) return [];
    if (by <= 0) {
      this.report(CODES.outOfDomain, e.by ?? e, "a range's step must be a positive integer", "e.g. [2..16 by 2]");
      return [];
    }
    if (from > to) {
      this.report(CODES.emptyRange, e, `empty range: ${from} is greater than ${to}`, `write [${to}..${from}]`);
      return [];
    }
    if ((to - from) / by > 100000) {
      this.report(CODES.tooManyPoints, e, "range too large (more than 100,000 values)");
      return [];
    }
    const out: number[] = [];
    for (let v = from; v <= to; v += by) out.push(v);
    return out;
  }

  private integerOf(e: A.Expr): number | null {
    const n = this.plainNumber(e);
    if (n === null) return null;
    if (!Number.isInteger(n.value) || n.unit !== "") {
      this.report(CODES.notInteger, e, `range bounds must be plain integers, found \`${this.source(e)}\``);
      return null;
    }
    return n.value;
  }

  /** A single number, no sweeps (range bounds, geometric bases). */
  plainNumber(e: A.Expr): Num | null {
    const alts = this.sweepable(e, "value", (x) => this.number(x));
    if (alts.length !== 1 || alts[0].params.length > 0) {
      if (alts.length > 0) this.report(CODES.notSweepable, e, "a single number is needed here, not a swept value");
      return null;
    }
    return alts[0].value;
  }

  private geometric(e: A.Geometric): A.Expr[] {
    const base = this.plainNumber(e.base);
    if (!base) return [];
    if (base.unit === "ep" || base.unit === "it") {
      this.report(CODES.wrongUnit, e.base, "the base of a geometric set must be a number or a percentage");
      return [];
    }
    const b = base.unit === "%" ? base.value / 100 : base.value;
    const exponents = this.sweepable(e.exponents, "exponent", (x) => this.number(x));
    const out: A.Expr[] = [];
    for (const k of exponents) {
      if (k.value.unit !== "" || !Number.isInteger(k.value.value)) {
        this.report(CODES.notInteger, e.exponents, "exponents must be integers, e.g. 80%^[2..16]");
        return [];
      }
      out.push(synthetic(clean(b ** k.value.value), "", e));
    }
    if (e.exponents.kind !== "Range" && e.exponents.kind !== "List") {
      this.report(CODES.wrongType, e.exponents, "exponents must be a range or list, e.g. 80%^[2..16]");
    }
    return out;
  }

  /** Numbers with units; `*` and `/` combine them. */
  /** `expected` names the value in messages, e.g. "a density such as 50%". */
  number(e: A.Expr, expected = "a number"): Alt<Num>[] {
    switch (e.kind) {
      case "Number":
        if (!Number.isFinite(e.value)) return [];
        return [{ value: { value: e.value, unit: e.unit }, node: e, params: [] }];
      case "Binary": {
        if (e.op === "+") {
          this.report(CODES.wrongType, e, "`+` combines augmentations; numbers support `*` and `/`");
          return [];
        }
        const left = this.sweepable(e.left, "value", (x) => this.number(x, expected));
        const right = this.sweepable(e.right, "value", (x) => this.number(x, expected));
        return product<Num>(
          [left, right],
          (vs) => {
            const [l, r] = vs as Num[];
            const lv = l.unit === "%" ? l.value / 100 : l.value;
            const rv = r.unit === "%" ? r.value / 100 : r.value;
            const unit = l.unit === "ep" || l.unit === "it" ? l.unit : r.unit === "ep" || r.unit === "it" ? r.unit : "";
            return { value: clean(e.op === "*" ? lv * rv : lv / rv), unit };
          },
          e,
        ).filter((alt) => {
          if (Number.isFinite(alt.value.value)) return true;
          this.report(CODES.outOfDomain, e, "division by zero");
          return false;
        });
      }
      case "Ref": {
        const param = this.swept.get(e.name);
        if (param && !this.letStack.includes(`param:${e.name}`)) {
          // Each value of the parameter, bound to it: merging links this use to its definition.
          this.letStack.push(`param:${e.name}`);
          try {
            return this.sweepable(param, e.name, (x) => this.number(x)).map((alt) => ({ ...alt, node: e }));
          } finally {
            this.letStack.pop();
          }
        }
        this.report(CODES.wrongType, e, `expected ${expected}, found \`${e.name}\``, this.didYouMeanLet(e.name));
        return [];
      }
      case "Error":
        return [];
      default:
        this.report(CODES.wrongType, e, `expected ${expected}, found ${describeExpr(e)}`);
        return [];
    }
  }

  private didYouMeanLet(name: string): string | undefined {
    const s = suggest(name, this.lets.keys());
    return s ? `did you mean \`${s}\`?` : undefined;
  }
}

/** How a number shows as a parameter value: percentages as fractions, iterations as written (`500it`). */
function numberDisplay(n: A.NumberLit): number | string {
  if (n.unit === "it") return n.text;
  return n.unit === "%" ? clean(n.value / 100) : n.value;
}

const SYNTHETIC = Symbol("synthetic");

function synthetic(value: number, unit: A.NumberUnit, from: A.Expr): A.NumberLit {
  const node = { kind: "Number" as const, value, unit, text: String(value), range: from.range };
  Object.defineProperty(node, SYNTHETIC, { value: true });
  return node;
}

function isSynthetic(node: A.Expr): boolean {
  return (node as unknown as Record<symbol, unknown>)[SYNTHETIC] === true;
}

export function describeExpr(e: A.Expr): string {
  switch (e.kind) {
    case "Number":
      return e.unit === "%" ? "a percentage" : e.unit === "" ? "a number" : e.unit === "ep" ? "epochs" : "iterations";
    case "Ref":
      return `\`${e.name}\``;
    case "Call":
      return `\`${e.callee.text}(…)\``;
    case "List":
    case "Range":
    case "Geometric":
    case "Alternatives":
    case "Swept":
      return "a swept value";
    case "Binary":
      return "an expression";
    default:
      return "a value";
  }
}
