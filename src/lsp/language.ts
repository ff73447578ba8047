/**
 * The seam between the server and the compiler: the one file that calls the
 * compiler's front end (`analyze`, the same call `lthc check` makes), so every rule
 * the editor applies is the CLI's.
 */
import type { ILexingResult, IToken } from "chevrotain";
import type { TextDocument } from "vscode-languageserver-textdocument";
import {
  type Analysis,
  analyze,
  analyzeSweep,
  analyzeSyntax,
  type Diagnostic,
  type FileNode,
  type Point,
  parse,
  type Range,
  type SweepCheck,
  type SweepDecl,
  type SweepInfo,
  type SyntaxAnalysis,
  type SyntaxOptions,
  type TokenKind,
  tokenKind,
} from "../compiler/index.js";
import * as T from "../compiler/lexer.js";
import { type Definition, definitionsOf } from "../compiler/lookup.js";

/** A lexical token, with the classification the editor features need. */
export interface LexToken {
  startOffset: number;
  /** Exclusive. */
  endOffset: number;
  image: string;
  isComment: boolean;
  isKeyword: boolean;
  isNumber: boolean;
  isIdentifier: boolean;
  isOperator: boolean;
}

export interface DocumentAnalysis {
  document: TextDocument;
  text: string;
  /** The compiler's analysis, as `lthc check` computes it. */
  compiled: Analysis;
  ast: FileNode;
  /** Every token including comments, in source order. */
  tokens: LexToken[];
  /** Names the file defines (`let`, sweep names, swept parameters). */
  definitions: Definition[];
  /** The compiler's diagnostics, exactly what `lthc check` reports for this text. */
  diagnostics: Diagnostic[];
  /** What a sweep expands to, if the checker got that far. */
  sweepOf(sweep: SweepDecl): SweepInfo | undefined;
  /** The points a sweep expands into (empty while it, or the lets and shared settings it uses, has errors). */
  pointsOf(sweep: SweepDecl): Point[];
  sourceOf(range: Range): string;
  /** The parse this analysis was built on (null if the parser failed), for the next version to reuse. */
  syntax: SyntaxAnalysis | null;
}

/** A token as editor features read it, from the compiler's classification (`tokenKind`). */
function lexToken(kind: TokenKind, startOffset: number, endOffset: number, image: string): LexToken {
  return {
    startOffset,
    endOffset,
    image,
    isComment: kind === "comment",
    isKeyword: kind === "keyword" || kind === "setting",
    isNumber: kind === "number",
    isIdentifier: kind === "name",
    isOperator: kind === "operator",
  };
}

function lexTokens(analysis: Pick<Analysis, "text" | "tokens">): LexToken[] {
  if (analysis.tokens.length === 0 && analysis.text.trim() !== "") return lexText(analysis.text);
  return analysis.tokens.map((token) =>
    lexToken(token.kind, token.range.start.offset, token.range.end.offset, token.text),
  );
}

/**
 * Tokens, AST and definitions at once (lex + parse: milliseconds, and only the statements
 * an edit touched when `previous`, the analysis of an earlier version, is given). A sweep
 * is checked on its own when a feature asks about it; the whole file's checked analysis
 * (`compiled`, `diagnostics`) only when a feature asks for that, from the same parse.
 * `lexed`: this version's lexing, if completion already lexed it.
 */
export function analyzeDocument(document: TextDocument, previous?: DocumentAnalysis, lexed?: Lexed): DocumentAnalysis {
  const text = document.getText();
  const syntax = syntaxOf(text, { previous: previous?.syntax ?? undefined, lexed: lexed?.raw });
  if (!syntax) return fromCompiled(document, text, withSyntaxFallback(analyze(text, document.uri)));
  let compiled: Analysis | undefined;
  const full = () => {
    compiled ??= withSyntaxFallback(analyze(text, document.uri, { syntax }));
    return compiled;
  };
  // Against the lets and shared settings only, so that hovering a sweep right after a
  // keystroke does not wait for every other sweep of the file.
  const alone = new Map<SweepDecl, SweepCheck | null>();
  const sweepCheck = (sweep: SweepDecl) => {
    if (!alone.has(sweep)) alone.set(sweep, analyzeSweep(syntax, sweep));
    return alone.get(sweep) ?? null;
  };
  const ast = syntax.ast;
  let tokens: LexToken[] | undefined;
  return {
    document,
    text,
    get compiled() {
      return full();
    },
    ast,
    get tokens() {
      tokens ??= lexed?.tokens ?? lexTokens({ text, tokens: syntax.tokens });
      return tokens;
    },
    definitions: definitionsOf(ast),
    get diagnostics() {
      return full().diagnostics;
    },
    sweepOf: (sweep) => sweepCheck(sweep)?.info,
    pointsOf: (sweep) => sweepCheck(sweep)?.points ?? [],
    sourceOf: (range) => text.slice(range.start.offset, range.end.offset),
    syntax,
  };
}

function pointsIn(compiled: Analysis, info: SweepInfo | undefined): Point[] {
  return info === undefined ? [] : compiled.points.filter((point) => point.sweep === info.name);
}

/** Null when the parser itself failed (a bug): the full analysis then reports it as E000. */
function syntaxOf(text: string, options: SyntaxOptions): SyntaxAnalysis | null {
  try {
    return analyzeSyntax(text, options);
  } catch {
    return null;
  }
}

function fromCompiled(document: TextDocument, text: string, compiled: Analysis): DocumentAnalysis {
  const sweepOf = (sweep: SweepDecl) => compiled.sweeps.find((info) => info.node === sweep);
  return {
    document,
    text,
    compiled,
    ast: compiled.ast,
    tokens: lexTokens(compiled),
    definitions: definitionsOf(compiled.ast),
    diagnostics: compiled.diagnostics,
    sweepOf,
    pointsOf: (sweep) => pointsIn(compiled, sweepOf(sweep)),
    sourceOf: (range) => text.slice(range.start.offset, range.end.offset),
    syntax: null,
  };
}

/**
 * The compiler's lexer alone: what completion needs on every keystroke, and what
 * keeps highlighting alive should the compiler fail on some text (no tokens then).
 */
export function lexText(text: string): LexToken[] {
  return lexDocumentText(text).tokens;
}

/** A text lexed once: the tokens editor features read, and the lexer's result for the parser to reuse. */
export interface Lexed {
  tokens: LexToken[];
  raw: ILexingResult;
}

export function lexDocumentText(text: string): Lexed {
  const lexed = T.lthLexer.tokenize(text);
  return { tokens: classify(lexed), raw: lexed };
}

function classify(lexed: ILexingResult): LexToken[] {
  const comments = (lexed.groups.comments ?? []) as IToken[];
  return [...lexed.tokens, ...comments]
    .map((token) =>
      lexToken(tokenKind(token.tokenType), token.startOffset, (token.endOffset ?? token.startOffset) + 1, token.image),
    )
    .sort((a, b) => a.startOffset - b.startOffset);
}

/**
 * An internal compiler error (E000) in a late phase loses the whole analysis; the
 * parser's AST alone still serves outline, folding, hover and definitions.
 */
function withSyntaxFallback(compiled: Analysis): Analysis {
  if (compiled.ast.statements.length > 0 || !compiled.diagnostics.some((d) => d.code === "E000")) return compiled;
  try {
    const parsed = parse(compiled.text);
    return { ...compiled, ast: parsed.file };
  } catch {
    return compiled;
  }
}
