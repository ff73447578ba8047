/**
 * The compiler's public API: text → tokens, AST, diagnostics and points. Pure (no
 * I/O) and total: analyze() and formatSpec() never throw, whatever the input.
 */
import type { ILexingResult, IToken } from "chevrotain";
import type { Point } from "../core/points.js";
import type * as A from "./ast.js";
import { type CheckResult, check, checkSweep, type SweepCheck, type SweepInfo } from "./checker.js";
import { CODES, type Diagnostic } from "./diagnostics.js";
import { Evaluator } from "./evaluator.js";
import { type ChunkCache, parseReusing } from "./incremental.js";
import * as T from "./lexer.js";
import { letTable } from "./lookup.js";
import { type ParseOutput, parse } from "./parser.js";
import { LineIndex } from "./positions.js";

export { DATASET_NAMES, DATASETS, type DatasetInfo, SYNTHETIC } from "../core/datasets.js";
export type { Point } from "../core/points.js";
export type {
  Alternatives,
  Arg,
  Binary,
  Call,
  ErrorExpr,
  Expr,
  FileNode,
  Geometric,
  LetDecl,
  ListExpr,
  Name,
  Node,
  NodeBase,
  NumberLit,
  NumberUnit,
  Paren,
  Position,
  Range,
  RangeExpr,
  Ref,
  Setting,
  Statement,
  SweepDecl,
  Swept,
} from "./ast.js";
export { children, nodeAt, walk } from "./ast.js";
export { type Binding, type BindProblem, bindCall, isRequired, positionalParam, signatureOf } from "./bind.js";
export { fgsm, type PgdConfig, type PgdOptions, pgd, type TrainConfigInput, trainConfig } from "./builders.js";
export {
  ADVERSARIES,
  AUGMENTATIONS,
  type CatalogEntry,
  catalog,
  DATASET_ENTRIES,
  type EntryKind,
  landingPath,
  lookup,
  MODELS,
  NORMS,
  type ParamDoc,
  SETTINGS,
  SETTINGS_BY_NAME,
  type SettingEntry,
  STRATEGIES,
  type ValueType,
} from "./catalog.js";
export { MAX_POINTS, modelFits, type SweepCheck, type SweepInfo, type SweepParam } from "./checker.js";
export { DEFAULTS } from "./defaults.js";
export {
  CODES,
  type Diagnostic,
  type Fix,
  renderDiagnostic,
  renderDiagnostics,
  type Severity,
  suggest,
} from "./diagnostics.js";
export { formatExpr, formatSpec } from "./format.js";
export { KEYWORDS, SETTING_KEYWORDS, type SettingKey, type TokenKind, tokenKind } from "./lexer.js";
export { type ParseOutput, parse, type SyntaxProblem } from "./parser.js";
export { LineIndex } from "./positions.js";

export interface Token {
  kind: T.TokenKind;
  text: string;
  range: A.Range;
}

export interface Analysis {
  file: string;
  text: string;
  /** Every token (comments included) in source order. */
  tokens: Token[];
  ast: A.FileNode;
  diagnostics: Diagnostic[];
  /** Fully resolved points; empty when any diagnostic is an error. */
  points: Point[];
  /** Per sweep: its name, parameters and their values, point count. */
  sweeps: SweepInfo[];
  lines: LineIndex;
}

/** The front half of an analysis: tokens and AST, without checking or expansion. */
export interface SyntaxAnalysis {
  text: string;
  tokens: Token[];
  ast: A.FileNode;
  lines: LineIndex;
  parsed: ParseOutput;
  /** The parse by statement, for the analysis of the next edit to reuse. */
  chunks: ChunkCache;
}

export interface SyntaxOptions {
  /** The analysis of the text before an edit: its unchanged statements are not parsed again. */
  previous?: SyntaxAnalysis;
  /** The lexer's result for this very text (an editor lexes every keystroke for completion). */
  lexed?: ILexingResult;
}

/**
 * Lex and parse `text` only (an editor's hover needs no expansion). Passing the result
 * to `analyze` finishes the same analysis with the same AST nodes. Given the analysis
 * before an edit, parses only the statements the edit touched; the result is the same.
 * Never throws.
 */
export function analyzeSyntax(text: string, options: SyntaxOptions = {}): SyntaxAnalysis {
  const safeText = typeof text === "string" ? text : "";
  const { output: parsed, chunks } = parseReusing(safeText, options.previous?.chunks, options.lexed);
  let tokens: Token[] | undefined;
  return {
    text: safeText,
    // Thousands of objects a keystroke's hover does not need: made when first read.
    get tokens() {
      tokens ??= toTokens([...parsed.tokens, ...parsed.comments], parsed.lines);
      return tokens;
    },
    ast: parsed.file,
    lines: parsed.lines,
    parsed,
    chunks,
  };
}

export interface AnalyzeOptions {
  /** A syntax analysis of this same text, reused instead of parsing again (ignored for another text). */
  syntax?: SyntaxAnalysis;
}

/** Lex, parse, check and expand `text`. Never throws. */
export function analyze(text: string, file = "<input>", options: AnalyzeOptions = {}): Analysis {
  const safeText = typeof text === "string" ? text : "";
  try {
    const syntax = options.syntax?.text === safeText ? options.syntax : undefined;
    return analyzeUnsafe(safeText, file, syntax);
  } catch (error) {
    // A bug, not the user's fault: still answer with a diagnostic rather than throw.
    const lines = new LineIndex(safeText);
    return {
      file,
      text: safeText,
      tokens: [],
      ast: { kind: "File", statements: [], range: lines.range(0, safeText.length) },
      diagnostics: [
        {
          code: "E000",
          severity: "error",
          message: `internal compiler error: ${error instanceof Error ? error.message : String(error)}`,
          range: lines.range(0, 0),
          hint: "please report this with the spec that caused it",
        },
      ],
      points: [],
      sweeps: [],
      lines,
    };
  }
}

/**
 * One sweep of a parsed file, checked and expanded against the file's lets and shared
 * settings only (see `checkSweep`): what an editor asks for on a sweep right after a
 * keystroke, at a fraction of `analyze`'s cost on a file of many sweeps. A syntax error
 * inside the sweep leaves it without points, as `analyze` would. Never throws (null on a bug).
 */
export function analyzeSweep(syntax: SyntaxAnalysis, sweep: A.SweepDecl): SweepCheck | null {
  try {
    const result = checkSweep(syntax.ast, syntax.text, sweep);
    if (result === null) return null;
    const broken = syntax.parsed.problems.some((p) => syntaxProblemOf(syntax.ast, sweep, p.start));
    return broken ? { ...result, info: { ...result.info, points: 0 }, points: [] } : result;
  } catch {
    return null;
  }
}

/**
 * Whether a syntax problem at `offset` is the statement's: the parser reports what a
 * statement lacks at the next token, which is often the first of the next statement.
 */
function syntaxProblemOf(file: A.FileNode, statement: A.Statement, offset: number): boolean {
  const index = file.statements.indexOf(statement);
  const start = statement.range.start.offset;
  const next = file.statements[index + 1]?.range.start.offset ?? Number.POSITIVE_INFINITY;
  return (start < offset && offset <= next) || (offset === start && index === 0);
}

function analyzeUnsafe(text: string, file: string, reuse?: SyntaxAnalysis): Analysis {
  const parsed = reuse?.parsed ?? parse(text);
  const syntax: Diagnostic[] = parsed.problems.map((p) => ({
    code: p.message.startsWith("unexpected character") ? CODES.lexical : CODES.syntax,
    severity: "error",
    message: p.message,
    range: parsed.lines.range(p.start, p.end),
    ...(p.hint ? { hint: p.hint } : {}),
  }));
  const checked: CheckResult = check(parsed.file, text);
  // "No sweep" is noise when the sweep is there but did not parse.
  // So are "missing" complaints: what is missing is usually in the part that did not parse.
  const noiseAfterSyntaxErrors = new Set<string>([
    CODES.noSweeps,
    CODES.missingModel,
    CODES.missingDensity,
    CODES.emptySweep,
  ]);
  const semantic =
    syntax.length > 0 ? checked.diagnostics.filter((d) => !noiseAfterSyntaxErrors.has(d.code)) : checked.diagnostics;
  const diagnostics = [...syntax, ...semantic].sort((a, b) => a.range.start.offset - b.range.start.offset);
  const failed = diagnostics.some((d) => d.severity === "error");
  return {
    file,
    text,
    tokens: reuse?.tokens ?? toTokens([...parsed.tokens, ...parsed.comments], parsed.lines),
    ast: parsed.file,
    diagnostics,
    points: failed ? [] : checked.points,
    sweeps: checked.sweeps,
    lines: parsed.lines,
  };
}

function toTokens(tokens: IToken[], lines: LineIndex): Token[] {
  return tokens
    .map((t) => ({
      kind: T.tokenKind(t.tokenType),
      text: t.image,
      range: lines.range(t.startOffset, (t.endOffset ?? t.startOffset) + 1),
    }))
    .sort((a, b) => a.range.start.offset - b.range.start.offset);
}

export interface Expansion {
  /** The swept parameter's name, when the node is `name in …`. */
  param: string | null;
  /** The concrete values, percentages and geometric sets as fractions, other values as written. */
  values: (string | number)[];
}

/**
 * The concrete values of a swept value expression (`k in [1,8]`, `global|random`,
 * `80%^[2..16]`, `[2..16 by 2]`), for hover and inlay hints; null for a plain value.
 */
export function expandValue(analysis: Pick<Analysis, "text" | "ast">, node: A.Expr): Expansion | null {
  try {
    const ev = new Evaluator(analysis.text, letTable(analysis.ast));
    const target = node.kind === "Swept" ? node.values : node;
    const setLike = ["List", "Alternatives", "Range", "Geometric", "Ref"].includes(target.kind);
    if (!setLike && node.kind !== "Swept") return null;
    const members = ev.members(target, node.kind === "Swept");
    if (target.kind === "Ref" && members.length === 1 && members[0] === target) return null;
    const values = members.map((m) =>
      m.kind === "Number" && m.text === String(m.value) && m.unit === ""
        ? m.value
        : m.kind === "Number" && m.unit === "%"
          ? +(m.value / 100).toPrecision(12)
          : analysis.text.slice(m.range.start.offset, m.range.end.offset),
    );
    return { param: node.kind === "Swept" ? node.name.text : null, values };
  } catch {
    return null;
  }
}
