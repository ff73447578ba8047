/**
 * Tokens of the .lth language. Setting keywords are reserved words (so a sweep's
 * clauses need no separators); every other name (models, datasets, norms,
 * strategies) is an Identifier resolved by the checker against the catalog, which
 * is what makes "did you mean" possible for them.
 */
import { createToken, Lexer, type TokenType } from "chevrotain";
import { SETTING_NAMES, type SettingKey } from "./catalog.js";

export const Identifier = createToken({
  name: "Identifier",
  // Hyphens inside names allow `fashion-mnist` and `weight-decay`.
  pattern: /[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*/,
});

function keyword(word: string, name = `Kw_${word.replace(/-/g, "_")}`): TokenType {
  return createToken({ name, pattern: new RegExp(`${word}(?![A-Za-z0-9_-])`), longer_alt: Identifier });
}

export const Sweep = keyword("sweep");
export const Let = keyword("let");
export const In = keyword("in");
export const By = keyword("by");

/**
 * Setting keywords: each starts a `keyword value` setting. They are the names the catalog
 * declares settings under (catalog.ts, SETTING_DECLS), so a new setting is one declaration.
 */
export const SETTING_KEYWORDS: readonly SettingKey[] = SETTING_NAMES;
export type { SettingKey };

export const SettingKeyword = createToken({ name: "SettingKeyword", pattern: Lexer.NA });
const settingTokens = SETTING_KEYWORDS.map((word) =>
  createToken({
    name: `Setting_${word.replace(/-/g, "_")}`,
    pattern: new RegExp(`${word}(?![A-Za-z0-9_-])`),
    longer_alt: Identifier,
    categories: [SettingKeyword],
  }),
);

/** A number with an optional unit suffix: `0.1`, `80%`, `8ep`, `500it`, `1e-3`. */
export const NumberLit = createToken({
  name: "NumberLit",
  pattern: /(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?(?:%|ep(?![A-Za-z0-9_])|it(?![A-Za-z0-9_]))?/,
});

export const Comment = createToken({ name: "Comment", pattern: /#[^\n\r]*/, group: "comments" });
export const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t\r\n]+/, group: Lexer.SKIPPED });

export const LParen = createToken({ name: "LParen", pattern: "(" });
export const RParen = createToken({ name: "RParen", pattern: ")" });
export const LBracket = createToken({ name: "LBracket", pattern: "[" });
export const RBracket = createToken({ name: "RBracket", pattern: "]" });
export const LBrace = createToken({ name: "LBrace", pattern: "{" });
export const RBrace = createToken({ name: "RBrace", pattern: "}" });
export const Comma = createToken({ name: "Comma", pattern: "," });
export const Colon = createToken({ name: "Colon", pattern: ":" });
export const DotDot = createToken({ name: "DotDot", pattern: ".." });
export const Equals = createToken({ name: "Equals", pattern: "=" });
export const Pipe = createToken({ name: "Pipe", pattern: "|" });
export const Plus = createToken({ name: "Plus", pattern: "+" });
export const Star = createToken({ name: "Star", pattern: "*" });
export const Slash = createToken({ name: "Slash", pattern: "/" });
export const Caret = createToken({ name: "Caret", pattern: "^" });

export const allTokens: TokenType[] = [
  WhiteSpace,
  Comment,
  Sweep,
  Let,
  In,
  By,
  SettingKeyword,
  ...settingTokens,
  Identifier,
  DotDot,
  NumberLit,
  LParen,
  RParen,
  LBracket,
  RBracket,
  LBrace,
  RBrace,
  Comma,
  Colon,
  Equals,
  Pipe,
  Plus,
  Star,
  Slash,
  Caret,
];

export const lthLexer = new Lexer(allTokens, { positionTracking: "full", ensureOptimizations: false });

/** What a token is, for highlighting and for the editor's features: one classification for the CLI and the LSP. */
export type TokenKind = "keyword" | "setting" | "name" | "number" | "operator" | "punctuation" | "comment";

const OPERATORS: readonly TokenType[] = [Pipe, Plus, Star, Slash, Caret, DotDot, Equals];

function kindOf(type: TokenType): TokenKind {
  if (type === Comment) return "comment";
  if (type === NumberLit) return "number";
  if (type === Identifier) return "name";
  if (type.CATEGORIES?.includes(SettingKeyword)) return "setting";
  if (type === Sweep || type === Let || type === In || type === By) return "keyword";
  if (OPERATORS.includes(type)) return "operator";
  return "punctuation";
}

const KINDS: ReadonlyMap<TokenType, TokenKind> = new Map(allTokens.map((type) => [type, kindOf(type)]));

/** The kind of a token of this type (a lookup: it runs for every token on every keystroke). */
export function tokenKind(type: TokenType): TokenKind {
  return KINDS.get(type) ?? kindOf(type);
}

/** Every reserved word, for completion and for telling names from keywords. */
export const KEYWORDS: readonly string[] = ["sweep", "let", "in", "by", ...SETTING_KEYWORDS];
