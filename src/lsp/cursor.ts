/**
 * Where the cursor is, syntactically, read from the token stream (which survives any
 * half-typed text, unlike the AST): inside a call's argument list, at a setting's
 * value, after a complete value, or at the start of a statement.
 */
import type { LexToken } from "./language.js";

export type CursorContext =
  | { kind: "comment" }
  /** Typing a new name (after `let`, or a sweep's name): nothing to offer. */
  | { kind: "naming" }
  /** Start of a statement: `sweep`, `let`, settings. `inBlock`: inside a sweep's `{ … }`. */
  | { kind: "statement"; inBlock: boolean }
  /** Right after `sweep` (or `sweep name:`): the model shorthand. */
  | { kind: "sweepHeader" }
  /** After a complete value: the next setting, or a unit right after a bare number. */
  | { kind: "afterValue"; setting: string | null; inBlock: boolean }
  /** A value of the setting `setting` (null: in a `let`). */
  | { kind: "value"; setting: string | null }
  /** Argument `index` of `callee(…)`, or the named argument `named=`; `used`: names already given. */
  | {
      kind: "argument";
      callee: string;
      index: number;
      named: string | null;
      used: string[];
      setting: string | null;
      /** Inside a list or group within the argument (`n in [1, |`): a value, never a `name=`. */
      nested: boolean;
    };

export interface Cursor {
  context: CursorContext;
  /** The word being typed at the cursor (to be replaced by the completion), if any. */
  word: LexToken | null;
}

const OPENERS = new Set(["(", "["]);
const CLOSERS = new Set([")", "]"]);
const VALUE_LEADS = new Set(["in", "|", "=", "+", "*", "/", "^", ",", "(", "[", "..", "by"]);

export function cursorAt(tokens: readonly LexToken[], offset: number): Cursor {
  const inside = tokens.find((t) => t.startOffset < offset && offset <= t.endOffset);
  if (inside?.isComment) return { context: { kind: "comment" }, word: null };
  const word = inside && (inside.isIdentifier || inside.isKeyword || inside.isNumber) ? inside : null;
  const end = word ? word.startOffset : offset;
  const before = tokens.filter((t) => !t.isComment && t.endOffset <= end);
  return { context: contextOf(before), word };
}

function contextOf(before: readonly LexToken[]): CursorContext {
  const setting = enclosingSetting(before);
  const call = enclosingCall(before);
  if (call) return { kind: "argument", ...call, setting };
  const prev = before[before.length - 1];
  if (!prev) return { kind: "statement", inBlock: false };
  const inBlock = insideBlock(before);
  if (prev.image === "{" || prev.image === "}") return { kind: "statement", inBlock: prev.image === "{" || inBlock };
  if (prev.image === "sweep") return { kind: "sweepHeader" };
  if (prev.image === ":" && before[before.length - 3]?.image === "sweep") return { kind: "sweepHeader" };
  if (prev.image === "let") return { kind: "naming" };
  if (prev.isKeyword && !VALUE_LEADS.has(prev.image)) return { kind: "value", setting: prev.image };
  if (VALUE_LEADS.has(prev.image)) return { kind: "value", setting };
  if (prev.isIdentifier && before[before.length - 2]?.image === "sweep") return { kind: "naming" };
  return { kind: "afterValue", setting, inBlock };
}

/** The innermost unclosed `name(` before the cursor, with the argument index and the names already used. */
function enclosingCall(
  before: readonly LexToken[],
): { callee: string; index: number; named: string | null; used: string[]; nested: boolean } | null {
  let depth = 0;
  let index = 0;
  let named: string | null = null;
  let sawComma = false;
  const used: string[] = [];
  for (let i = before.length - 1; i >= 0; i--) {
    const t = before[i];
    if (CLOSERS.has(t.image)) depth++;
    else if (OPENERS.has(t.image)) {
      if (depth > 0) {
        depth--;
        continue;
      }
      const callee = before[i - 1];
      // A `[` list or a bare `(` group inside a call still belongs to the same argument.
      if (t.image === "(" && callee?.isIdentifier) return { callee: callee.image, index, named, used, nested: false };
      // A `[` list or a bare `(` group is (part of) one argument of the outer call, if any.
      const outer = enclosingCall(before.slice(0, i));
      return outer && { ...outer, nested: true };
    } else if (depth === 0 && t.image === ",") {
      index++;
      sawComma = true;
    } else if (depth === 0 && t.image === "=" && before[i - 1]?.isIdentifier) {
      if (!sawComma && named === null) named = before[i - 1].image;
      used.push(before[i - 1].image);
    } else if (depth === 0 && isStatementBoundary(t)) {
      return null;
    }
  }
  return null;
}

function isStatementBoundary(t: LexToken): boolean {
  return (t.isKeyword && t.image !== "in" && t.image !== "by") || t.image === "{" || t.image === "}";
}

/** The setting keyword whose value the cursor is in (skipping over bracketed groups). */
function enclosingSetting(before: readonly LexToken[]): string | null {
  let depth = 0;
  for (let i = before.length - 1; i >= 0; i--) {
    const t = before[i];
    if (CLOSERS.has(t.image)) depth++;
    else if (OPENERS.has(t.image)) depth = Math.max(0, depth - 1);
    else if (t.image === "{" || t.image === "}") return null;
    else if (t.isKeyword && t.image !== "in" && t.image !== "by") {
      return t.image === "sweep" ? "model" : t.image === "let" ? null : t.image;
    }
  }
  return null;
}

function insideBlock(before: readonly LexToken[]): boolean {
  let depth = 0;
  for (const t of before) {
    if (t.image === "{") depth++;
    else if (t.image === "}") depth = Math.max(0, depth - 1);
  }
  return depth > 0;
}
