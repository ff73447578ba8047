/**
 * Reparsing after an edit: an editor sends a new text on every keystroke, and parsing
 * a 1,000-line spec again costs more than an interactive request may take. The tokens
 * are cut into chunks at each top-level `sweep` and `let`. A chunk whose text and
 * lookahead (the next three tokens) are unchanged since the previous parse is reused,
 * its positions moved to where the chunk now starts; the others are parsed in place,
 * with the tokens that follow them as lookahead, as the whole-text parse sees them.
 *
 * The result must be exactly what `parse` gives for the whole text (a test holds it to
 * that on thousands of random edits). It is, because the whole-text parse reaches each
 * chunk boundary between statements: a top-level `sweep` or `let` can only start one,
 * and error recovery stops at them. Where recovery ran past a boundary anyway, the
 * whole text is parsed instead.
 */
import type { ILexingResult, IToken } from "chevrotain";
import type * as A from "./ast.js";
import * as T from "./lexer.js";
import { dedupe, lexicalProblems, type ParseOutput, parse, parseSpan, type SyntaxProblem } from "./parser.js";
import { LineIndex } from "./positions.js";

/** A chunk's statements and problems, as placed in the text it was last seen in. */
interface Chunk {
  /** Where the chunk starts in the text it was parsed or last moved in. */
  at: A.Position;
  statements: A.Statement[];
  problems: SyntaxProblem[];
}

/** Chunks of a text by their source text and lookahead, for the next edit to reuse. */
export type ChunkCache = Map<string, Chunk>;

export interface IncrementalParse {
  output: ParseOutput;
  chunks: ChunkCache;
}

/** `lexed`: the lexer's result for this very text, when the caller has it already. */
export function parseReusing(
  text: string,
  previous: ChunkCache | undefined,
  lexed: ILexingResult = T.lthLexer.tokenize(text),
): IncrementalParse {
  const tokens = lexed.tokens;
  const lines = new LineIndex(text);
  const starts = chunkStarts(tokens);
  const chunks: ChunkCache = new Map();
  const statements: A.Statement[] = [];
  // Unreadable characters are not tokens: the parser never sees them, in a chunk or in the whole text.
  const problems = lexicalProblems(text, lexed);
  for (let i = 0; i < starts.length; i++) {
    const from = starts[i];
    const to = starts[i + 1] ?? tokens.length;
    const start = from === 0 ? 0 : tokens[from].startOffset;
    const key = chunkKey(text, tokens, start, to);
    const seen = chunks.get(key) ?? previous?.get(key);
    const chunk = seen ? moved(seen, start, lines) : parsedChunk(text, lines, tokens, from, to, start);
    if (chunk === null) return { output: parse(text), chunks: new Map() };
    statements.push(...chunk.statements);
    problems.push(...chunk.problems);
    chunks.set(key, chunk);
  }
  const file: A.FileNode = { kind: "File", statements, range: lines.range(0, text.length) };
  const comments = (lexed.groups.comments ?? []) as IToken[];
  return { output: { file, tokens, comments, problems: dedupe(problems), lines }, chunks };
}

/** The chunk's text (through the whitespace before the next chunk) and the tokens the parser may look ahead to. */
function chunkKey(text: string, tokens: readonly IToken[], start: number, to: number): string {
  const end = to < tokens.length ? tokens[to].startOffset : text.length;
  const lookahead = tokens.slice(to, to + 3).map((t) => t.image);
  return `${text.slice(start, end)}\u0000${lookahead.join("\u0000")}`;
}

function parsedChunk(
  text: string,
  lines: LineIndex,
  tokens: readonly IToken[],
  from: number,
  to: number,
  start: number,
): Chunk | null {
  const parsed = parseSpan(text, lines, tokens, from, to);
  return parsed === null ? null : { at: lines.position(start), ...parsed };
}

/**
 * Token indices where statement chunks start: 0, then each `sweep` or `let` outside
 * brackets that is a keyword, not a name (`sweep let: …`, `let in [1, 2]` use them as names).
 */
function chunkStarts(tokens: readonly IToken[]): number[] {
  const starts = [0];
  let depth = 0;
  tokens.forEach((token, i) => {
    const type = token.tokenType;
    if (type === T.LParen || type === T.LBracket || type === T.LBrace) depth++;
    else if (type === T.RParen || type === T.RBracket || type === T.RBrace) depth = Math.max(0, depth - 1);
    else if (depth === 0 && (type === T.Sweep || type === T.Let) && i > 0 && isKeywordHere(tokens, i)) {
      starts.push(i);
    }
  });
  return starts;
}

function isKeywordHere(tokens: readonly IToken[], i: number): boolean {
  const before = tokens[i - 1].tokenType;
  const after = tokens[i + 1]?.tokenType;
  return before !== T.Sweep && before !== T.Let && after !== T.In && after !== T.Equals;
}

/** The chunk as it reads `start` into the text `lines` indexes: the same objects when it has not moved. */
function moved(chunk: Chunk, start: number, lines: LineIndex): Chunk {
  const at = lines.position(start);
  if (at.offset === chunk.at.offset && at.line === chunk.at.line && at.column === chunk.at.column) return chunk;
  const shift: Shift = {
    offsets: at.offset - chunk.at.offset,
    lines: at.line - chunk.at.line,
    firstLine: chunk.at.line,
    columns: at.column - chunk.at.column,
  };
  return {
    at,
    statements: chunk.statements.map((s) => shifted(s, shift)),
    problems: chunk.problems.map((p) => ({ ...p, start: p.start + shift.offsets, end: p.end + shift.offsets })),
  };
}

/** How far a chunk moved; columns change only on the line where it starts. */
interface Shift {
  offsets: number;
  lines: number;
  firstLine: number;
  columns: number;
}

/** A deep copy of an AST value with every position moved (a hot path: thousands of nodes per keystroke). */
function shifted<V>(value: V, shift: Shift): V {
  if (Array.isArray(value)) return value.map((item) => shifted(item, shift)) as V;
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  if (typeof record.offset === "number" && typeof record.column === "number") {
    const p = record as unknown as A.Position;
    const column = p.line === shift.firstLine ? p.column + shift.columns : p.column;
    return { offset: p.offset + shift.offsets, line: p.line + shift.lines, column } as V;
  }
  const copy: Record<string, unknown> = {};
  for (const key in record) copy[key] = shifted(record[key], shift);
  return copy as V;
}
