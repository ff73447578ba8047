/**
 * Chevrotain parser building the AST directly (embedded actions), with error recovery
 * on so that one pass reports every syntax error. Built once and reused: construction
 * (grammar analysis) is the expensive part. Only Chevrotain's public API is used: the
 * wording of syntax errors comes from an IParserErrorMessageProvider (`messages`).
 */
import {
  EmbeddedActionsParser,
  type ILexingResult,
  type IParserErrorMessageProvider,
  type IRecognitionException,
  type IToken,
  type TokenType,
  tokenMatcher,
} from "chevrotain";
import type * as A from "./ast.js";
import * as T from "./lexer.js";
import { LineIndex } from "./positions.js";

/** A syntax error before it becomes a Diagnostic. */
export interface SyntaxProblem {
  message: string;
  start: number;
  end: number;
  hint?: string;
}

const STATEMENT_JUNK: TokenType[] = [
  T.NumberLit,
  T.RParen,
  T.RBracket,
  T.RBrace,
  T.LBrace,
  T.LParen,
  T.LBracket,
  T.Comma,
  T.Colon,
  T.DotDot,
  T.Equals,
  T.Pipe,
  T.Plus,
  T.Star,
  T.Slash,
  T.Caret,
  T.In,
  T.By,
];

type Offsets = { start: number; end: number };

function tokenOffsets(tok: IToken | undefined): Offsets {
  if (!tok || tok.isInsertedInRecovery) return { start: Number.NaN, end: Number.NaN };
  return { start: tok.startOffset, end: (tok.endOffset ?? tok.startOffset) + 1 };
}

function nodeStart(n: { range?: A.Range } | undefined): number {
  return n?.range?.start?.offset ?? Number.NaN;
}
function nodeEnd(n: { range?: A.Range } | undefined): number {
  return n?.range?.end?.offset ?? Number.NaN;
}

class LthParser extends EmbeddedActionsParser {
  lines = new LineIndex("");
  junk: SyntaxProblem[] = [];

  constructor() {
    super(T.allTokens, { recoveryEnabled: true, maxLookahead: 3, errorMessageProvider: messages });
    this.performSelfAnalysis();
  }

  private mk(start: number, end: number): A.Range {
    return this.lines.range(start, end);
  }

  private name(tok: IToken): A.Name {
    const o = tokenOffsets(tok);
    return { kind: "Name", text: tok?.isInsertedInRecovery ? "" : (tok?.image ?? ""), range: this.mk(o.start, o.end) };
  }

  private errorExpr(): A.ErrorExpr {
    const prev = this.LA(0);
    const at = prev && Number.isFinite(prev.endOffset) ? (prev.endOffset as number) + 1 : 0;
    return { kind: "Error", range: this.mk(at, at) };
  }

  /** A user-chosen name: keywords such as `test` or `rewind` are allowed where a name is expected. */
  private nameToken(): IToken {
    return this.OR9([{ ALT: () => this.CONSUME9(T.Identifier) }, { ALT: () => this.CONSUME9(T.SettingKeyword) }]);
  }

  /** Statements parsed so far: kept even when recovery abandons the top rule. */
  collected: A.Statement[] = [];
  /** Offset of the first token not to parse (a span parse); Infinity for a whole text. */
  stopAt = Number.POSITIVE_INFINITY;

  /** Where the top rule stopped: the offset of its next token (NaN at the end). */
  stoppedAt = Number.NaN;

  public file = this.RULE("file", (): A.FileNode => {
    this.statements();
    this.ACTION(() => {
      this.stoppedAt = this.LA(1).startOffset;
    });
    return { kind: "File", statements: this.collected, range: this.mk(0, this.lines.text.length) };
  });

  /**
   * The statements of one chunk, up to where the next chunk begins (`stopAt`, always a
   * top-level `sweep` or `let`; see incremental.ts). That keyword is part of the grammar
   * after the loop, so the loop ends there as the whole-text parse's loop ends at the end
   * of the input: nothing for error recovery to skip.
   */
  public span = this.RULE("span", (): A.FileNode => {
    this.statements();
    this.ACTION(() => {
      this.stoppedAt = this.LA(1).startOffset;
    });
    this.OR3([{ ALT: () => this.CONSUME3(T.Sweep) }, { ALT: () => this.CONSUME3(T.Let) }]);
    return { kind: "File", statements: this.collected, range: this.mk(0, this.lines.text.length) };
  });

  /** Top-level statements, and stray tokens reported once per run; part of both top rules. */
  private statements(): void {
    const statements = this.collected;
    let lastWasJunk = false;
    this.MANY({
      // A span parse stops where the next chunk of statements begins.
      GATE: () => !(this.LA(1).startOffset >= this.stopAt),
      DEF: () => {
        this.OR([
          {
            ALT: () => {
              statements.push(this.SUBRULE(this.letDecl));
              lastWasJunk = false;
            },
          },
          {
            ALT: () => {
              // Registers itself in `collected`.
              this.SUBRULE(this.sweepDecl);
              lastWasJunk = false;
            },
          },
          {
            ALT: () => {
              statements.push(this.SUBRULE(this.setting, { ARGS: [true] }));
              lastWasJunk = false;
            },
          },
          {
            ALT: () => {
              const tok = this.OR2(STATEMENT_JUNK.map((t) => ({ ALT: () => this.CONSUME(t) })));
              this.ACTION(() => {
                if (!lastWasJunk) {
                  const o = tokenOffsets(tok);
                  // LA(0) is the stray token itself; look at what came before it.
                  const before = this.LA(-1)?.image;
                  const afterSweep = before === "sweep" || (before === ":" && this.LA(-3)?.image === "sweep");
                  this.junk.push(
                    afterSweep
                      ? {
                          message: `expected a model such as \`wrn(20,1)\` after \`sweep\`, found \`${tok.image}\``,
                          start: o.start,
                          end: o.end,
                          hint: "a sweep reads like: sweep name: wrn(20, 1) under pgd(linf, 0.1, 2) prune global at 50%",
                        }
                      : {
                          message: `unexpected \`${tok.image}\`: expected \`sweep\`, \`let\` or a setting such as \`epochs 160\``,
                          start: o.start,
                          end: o.end,
                        },
                  );
                }
                lastWasJunk = true;
              });
            },
          },
        ]);
      },
    });
  }

  public letDecl = this.RULE(
    "letDecl",
    (): A.LetDecl => {
      const kw = this.CONSUME(T.Let);
      const name = this.CONSUME(T.Identifier);
      this.CONSUME(T.Equals);
      const value = this.SUBRULE(this.expr);
      return {
        kind: "Let",
        name: this.name(name),
        value,
        range: this.mk(tokenOffsets(kw).start, nodeEnd(value)),
      };
    },
    { recoveryValueFunc: () => this.errorStatement() as unknown as A.LetDecl },
  );

  private errorStatement(): A.Setting {
    const e = this.errorExpr();
    return { kind: "Setting", key: { kind: "Name", text: "", range: e.range }, value: e, range: e.range };
  }

  public sweepDecl = this.RULE(
    "sweepDecl",
    (): A.SweepDecl => {
      const kw = this.CONSUME(T.Sweep);
      // Registered before its parts are parsed, so a sweep with a syntax error stays in the AST.
      const node = this.ACTION(() => {
        const k = tokenOffsets(kw);
        const created: A.SweepDecl = {
          kind: "Sweep",
          name: null,
          keywordRange: this.mk(k.start, k.end),
          model: null,
          settings: [],
          block: null,
          range: this.mk(k.start, k.end),
        };
        this.collected.push(created);
        return created;
      });
      const grow = (end: number) =>
        this.ACTION(() => {
          if (Number.isFinite(end) && end > node.range.end.offset) node.range = this.mk(node.range.start.offset, end);
        });
      this.OPTION({
        GATE: () => tokenMatcher(this.LA(2), T.Colon),
        DEF: () => {
          const name = this.name(this.nameToken());
          this.ACTION(() => {
            node.name = name;
          });
          grow(tokenOffsets(this.CONSUME(T.Colon)).end);
        },
      });
      this.OPTION2(() => {
        const model = this.SUBRULE(this.expr);
        this.ACTION(() => {
          node.model = model;
        });
        grow(nodeEnd(model));
      });
      this.MANY({
        // Only keywords continue a sweep; an unknown word starts a (misspelled) top-level setting.
        GATE: () => tokenMatcher(this.LA(1), T.SettingKeyword),
        DEF: () => {
          const setting = this.SUBRULE(this.setting, { ARGS: [false] });
          this.ACTION(() => node.settings.push(setting));
          grow(nodeEnd(setting));
        },
      });
      this.OPTION3(() => {
        const open = this.CONSUME(T.LBrace);
        this.ACTION(() => {
          node.block = this.mk(tokenOffsets(open).start, tokenOffsets(open).end);
        });
        grow(tokenOffsets(open).end);
        this.MANY2(() => {
          const setting = this.SUBRULE2(this.setting, { ARGS: [true] });
          this.ACTION(() => node.settings.push(setting));
          grow(nodeEnd(setting));
        });
        const close = this.CONSUME(T.RBrace);
        this.ACTION(() => {
          node.block = this.mk(tokenOffsets(open).start, tokenOffsets(close).end);
        });
        grow(tokenOffsets(close).end);
      });
      return node;
    },
    { recoveryValueFunc: () => this.errorStatement() as unknown as A.SweepDecl },
  );

  /** `allowUnknown`: an identifier may stand for a (misspelled) setting keyword; not inline in a sweep header. */
  public setting = this.RULE(
    "setting",
    (allowUnknown: boolean): A.Setting => {
      const key = this.OR([
        { ALT: () => this.CONSUME(T.SettingKeyword) },
        { GATE: () => allowUnknown, ALT: () => this.CONSUME(T.Identifier) },
      ]);
      const value = this.SUBRULE(this.expr);
      const name = this.name(key);
      return { kind: "Setting", key: name, value, range: this.mk(nodeStart(name), nodeEnd(value)) };
    },
    { recoveryValueFunc: () => this.errorStatement() },
  );

  public expr = this.RULE(
    "expr",
    (): A.Expr => {
      return this.OR([
        {
          GATE: () => tokenMatcher(this.LA(2), T.In),
          ALT: () => {
            const name = this.name(this.nameToken());
            this.CONSUME(T.In);
            const values = this.SUBRULE(this.alternatives);
            return { kind: "Swept" as const, name, values, range: this.mk(nodeStart(name), nodeEnd(values)) };
          },
        },
        { ALT: () => this.SUBRULE2(this.alternatives) },
      ]);
    },
    { recoveryValueFunc: () => this.errorExpr() },
  );

  public alternatives = this.RULE(
    "alternatives",
    (): A.Expr => {
      const options: A.Expr[] = [this.SUBRULE(this.sum)];
      this.MANY(() => {
        this.CONSUME(T.Pipe);
        options.push(this.SUBRULE2(this.sum));
      });
      if (options.length === 1) return options[0];
      return {
        kind: "Alternatives",
        options,
        range: this.mk(nodeStart(options[0]), nodeEnd(options[options.length - 1])),
      };
    },
    { recoveryValueFunc: () => this.errorExpr() },
  );

  public sum = this.RULE(
    "sum",
    (): A.Expr => {
      let left = this.SUBRULE(this.product);
      this.MANY(() => {
        this.CONSUME(T.Plus);
        const right = this.SUBRULE2(this.product);
        left = { kind: "Binary", op: "+", left, right, range: this.mk(nodeStart(left), nodeEnd(right)) };
      });
      return left;
    },
    { recoveryValueFunc: () => this.errorExpr() },
  );

  public product = this.RULE(
    "product",
    (): A.Expr => {
      let left = this.SUBRULE(this.power);
      this.MANY(() => {
        const op = this.OR([{ ALT: () => this.CONSUME(T.Star) }, { ALT: () => this.CONSUME(T.Slash) }]);
        const right = this.SUBRULE2(this.power);
        left = {
          kind: "Binary",
          op: op.image === "*" ? "*" : "/",
          left,
          right,
          range: this.mk(nodeStart(left), nodeEnd(right)),
        };
      });
      return left;
    },
    { recoveryValueFunc: () => this.errorExpr() },
  );

  public power = this.RULE(
    "power",
    (): A.Expr => {
      const base = this.SUBRULE(this.primary);
      let result: A.Expr = base;
      this.OPTION(() => {
        this.CONSUME(T.Caret);
        const exponents = this.SUBRULE2(this.primary);
        result = { kind: "Geometric", base, exponents, range: this.mk(nodeStart(base), nodeEnd(exponents)) };
      });
      return result;
    },
    { recoveryValueFunc: () => this.errorExpr() },
  );

  public primary = this.RULE(
    "primary",
    (): A.Expr => {
      return this.OR([
        { ALT: () => this.number(this.CONSUME(T.NumberLit)) },
        { ALT: () => this.SUBRULE(this.refOrCall) },
        { ALT: () => this.SUBRULE(this.bracket) },
        {
          ALT: () => {
            const open = this.CONSUME(T.LParen);
            const inner = this.SUBRULE(this.expr);
            const close = this.CONSUME(T.RParen);
            return {
              kind: "Paren" as const,
              inner,
              range: this.mk(tokenOffsets(open).start, tokenOffsets(close).end || nodeEnd(inner)),
            };
          },
        },
      ]);
    },
    { recoveryValueFunc: () => this.errorExpr() },
  );

  private number(tok: IToken): A.Expr {
    if (!tok || tok.isInsertedInRecovery || typeof tok.image !== "string") return this.errorExpr();
    const m = /^(.*?)(%|ep|it)?$/.exec(tok.image);
    const unit = (m?.[2] ?? "") as A.NumberUnit;
    const o = tokenOffsets(tok);
    return {
      kind: "Number",
      value: Number(m?.[1] ?? Number.NaN),
      unit,
      text: tok.image,
      range: this.mk(o.start, o.end),
    };
  }

  public refOrCall = this.RULE(
    "refOrCall",
    (): A.Expr => {
      const id = this.CONSUME(T.Identifier);
      const callee = this.name(id);
      let result: A.Expr = { kind: "Ref", name: callee.text, range: callee.range };
      this.OPTION(() => {
        this.CONSUME(T.LParen);
        const args: A.Arg[] = [];
        this.MANY_SEP({
          SEP: T.Comma,
          DEF: () => {
            args.push(this.SUBRULE(this.arg));
          },
        });
        const close = this.CONSUME(T.RParen);
        this.ACTION(() => {
          const last = args[args.length - 1];
          const end = Math.max(tokenOffsets(close).end || 0, nodeEnd(last) || 0, callee.range.end.offset);
          result = { kind: "Call", callee, args, range: this.mk(callee.range.start.offset, end) };
        });
      });
      return result;
    },
    { recoveryValueFunc: () => this.errorExpr() },
  );

  public arg = this.RULE(
    "arg",
    (): A.Arg => {
      let name: A.Name | null = null;
      this.OPTION({
        GATE: () => tokenMatcher(this.LA(2), T.Equals),
        DEF: () => {
          name = this.name(this.nameToken());
          this.CONSUME(T.Equals);
        },
      });
      const value = this.SUBRULE(this.expr);
      const start = name ? nodeStart(name) : nodeStart(value);
      return { kind: "Arg", name, value, range: this.mk(start, nodeEnd(value)) };
    },
    {
      recoveryValueFunc: () => {
        const e = this.errorExpr();
        return { kind: "Arg" as const, name: null, value: e, range: e.range };
      },
    },
  );

  public bracket = this.RULE(
    "bracket",
    (): A.Expr => {
      const open = this.CONSUME(T.LBracket);
      const items: A.Expr[] = [];
      let range: { to: A.Expr; by: A.Expr | null } | null = null;
      this.OPTION(() => {
        items.push(this.SUBRULE(this.expr));
        this.OR([
          {
            ALT: () => {
              this.CONSUME(T.DotDot);
              const to = this.SUBRULE2(this.expr);
              let by: A.Expr | null = null;
              this.OPTION2(() => {
                this.CONSUME(T.By);
                by = this.SUBRULE3(this.expr);
              });
              range = { to, by };
            },
          },
          {
            ALT: () => {
              this.MANY(() => {
                this.CONSUME(T.Comma);
                items.push(this.SUBRULE4(this.expr));
              });
            },
          },
        ]);
      });
      const close = this.CONSUME(T.RBracket);
      return this.ACTION(() => {
        const start = tokenOffsets(open).start;
        const lastNode = range ? (range.by ?? range.to) : items[items.length - 1];
        const end = Math.max(tokenOffsets(close).end || 0, nodeEnd(lastNode) || 0, start + 1);
        if (range) {
          return { kind: "Range" as const, from: items[0], to: range.to, by: range.by, range: this.mk(start, end) };
        }
        return { kind: "List" as const, items, range: this.mk(start, end) };
      });
    },
    { recoveryValueFunc: () => this.errorExpr() },
  );
}

let shared: LthParser | undefined;

export interface ParseOutput {
  file: A.FileNode;
  tokens: IToken[];
  comments: IToken[];
  problems: SyntaxProblem[];
  lines: LineIndex;
}

/** Lex and parse `text`; never throws. */
export function parse(text: string): ParseOutput {
  const lines = new LineIndex(text);
  const lexed = T.lthLexer.tokenize(text);
  const problems = lexicalProblems(text, lexed);
  const parsed = runParser(text, lines, lexed.tokens, Number.POSITIVE_INFINITY);
  problems.push(...parsed.problems);
  const file: A.FileNode = { kind: "File", statements: parsed.statements, range: lines.range(0, text.length) };
  const comments = (lexed.groups.comments ?? []) as IToken[];
  return { file, tokens: lexed.tokens, comments, problems: dedupe(problems), lines };
}

/** Characters the lexer could not read (they are left out of the tokens the parser sees). */
export function lexicalProblems(text: string, lexed: ILexingResult): SyntaxProblem[] {
  return lexed.errors.map((e) => ({
    message: `unexpected character \`${text.slice(e.offset, e.offset + Math.max(1, e.length)).slice(0, 20)}\``,
    start: e.offset,
    end: e.offset + Math.max(1, e.length),
    hint: "names start with a letter; comments start with `#`",
  }));
}

/** Recovery can report the same token twice (as a parse error and as stray input); keep the first. */
export function dedupe(problems: SyntaxProblem[]): SyntaxProblem[] {
  const seen = new Set<number>();
  const kept = problems.filter((p) => !seen.has(p.start) && seen.add(p.start));
  return kept.sort((a, b) => a.start - b.start);
}

/**
 * The statements of `tokens[from, to)` of a lexed `text`, parsed as in the whole text:
 * the tokens after `to` are there as lookahead. Null when the parse did not stop exactly
 * at `to` (recovery ran past it): then only parsing the whole text is right.
 */
export function parseSpan(
  text: string,
  lines: LineIndex,
  tokens: readonly IToken[],
  from: number,
  to: number,
): { statements: A.Statement[]; problems: SyntaxProblem[] } | null {
  const stopAt = to < tokens.length ? tokens[to].startOffset : Number.POSITIVE_INFINITY;
  // Lookahead is at most 3 tokens; recovery that scans further than that fails the check below.
  const parsed = runParser(text, lines, tokens.slice(from, to + 3), stopAt);
  if (parsed.crashed) return null;
  const stoppedAt = parsed.stoppedAt;
  const stoppedRight = to < tokens.length ? stoppedAt === stopAt : !Number.isFinite(stoppedAt);
  return stoppedRight ? { statements: parsed.statements, problems: dedupe(parsed.problems) } : null;
}

function runParser(text: string, lines: LineIndex, tokens: IToken[], stopAt: number) {
  shared ??= new LthParser();
  const parser = shared;
  parser.lines = lines;
  parser.junk = [];
  parser.collected = [];
  parser.stopAt = stopAt;
  parser.stoppedAt = Number.NaN;
  parser.input = tokens;
  const problems: SyntaxProblem[] = [];
  let crashed = false;
  // Recovery throws an exception per syntax error, and capturing each one's stack (never
  // read) was the largest single cost of parsing a half-typed statement.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    if (stopAt < Number.POSITIVE_INFINITY) parser.span();
    else parser.file();
  } catch {
    crashed = true;
    problems.push({ message: "could not parse this file", start: 0, end: 0 });
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  // The top rule's own result is lost when recovery gives up on it; the statements are not.
  // Recovery can yield statements that are placeholders for errors already reported.
  const statements = parser.collected
    .filter(Boolean)
    .filter((s) => !(s.kind === "Setting" && s.key.text === "" && s.value.kind === "Error"));
  // A span parse leaves the lookahead tokens unparsed on purpose.
  const errors = parser.errors.filter((e) => !(stopAt < Infinity && e.name === "NotAllInputParsedException"));
  for (const e of errors) problems.push(syntaxProblem(e, text));
  problems.push(...parser.junk);
  return { statements, problems, crashed, stoppedAt: parser.stoppedAt };
}

function describe(tok: IToken | undefined): string {
  if (!tok || tok.tokenType?.name === "EOF") return "the end of the file";
  return `\`${tok.image}\``;
}

/** Tokens whose absence is worded as what was expected instead of what came before. */
const EXPECTED_WORDING: ReadonlyMap<TokenType, string> = new Map([
  [T.RParen, "`)` or `,`"],
  [T.RBracket, "`]` or `,`"],
  [T.RBrace, "a setting or `}`"],
  [T.Equals, "`=`"],
  [T.Colon, "`:`"],
]);

/** Tokens after which a value is expected. */
const BEFORE_VALUE = new Set(["|", ",", "=", "+", "*", "/", "(", "[", "..", "by", ":"]);

/**
 * lthc's wording of a syntax error, from the token found, the one before it and (when the
 * parser expected one token) that token type: keyed on what came just before the error.
 */
function wording(found: IToken | undefined, previous: IToken | undefined, expected?: TokenType): string {
  const shown = describe(found);
  const prevImage = previous?.image ?? "";
  const expectedWording = expected ? EXPECTED_WORDING.get(expected) : undefined;
  if (prevImage === "sweep") return `expected a model such as \`wrn(20,1)\` after \`sweep\`, found ${shown}`;
  if (previous && tokenMatcher(previous, T.SettingKeyword))
    return `expected a value after \`${prevImage}\`, found ${shown}`;
  if (prevImage === "let") return `expected a name after \`let\`, found ${shown}`;
  if (prevImage === "in") return `expected values after \`in\`, such as \`[1, 8]\`, found ${shown}`;
  if (prevImage === "^") return `expected exponents after \`^\`, such as \`[2..16]\`, found ${shown}`;
  if (expectedWording) return `expected ${expectedWording}, found ${shown}`;
  if (BEFORE_VALUE.has(prevImage)) return `expected a value after \`${prevImage}\`, found ${shown}`;
  return `unexpected ${shown}`;
}

/**
 * Chevrotain's hook for the text of its recognition errors: lthc's own wording, built from
 * the tokens it is given rather than from the expected token sequences (which Chevrotain
 * computes whatever the provider does with them).
 */
const messages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected, actual, previous }) => wording(actual, previous, expected),
  buildNotAllInputParsedMessage: ({ firstRedundant }) => wording(firstRedundant, undefined),
  buildNoViableAltMessage: ({ actual, previous }) => wording(actual[0], previous),
  buildEarlyExitMessage: ({ actual, previous }) => wording(actual[0], previous),
};

/** Hints for the errors whose wording alone does not show the way out. */
function hintAfter(previous: IToken | undefined): string | undefined {
  if (previous?.image === "sweep")
    return "a sweep reads like: sweep name: wrn(20, 1) under pgd(linf, 0.1, 2) prune global at 50%";
  if (previous?.image === "let") return "let eps = 0.1";
  return undefined;
}

/** A recognition error as a SyntaxProblem: its message is already lthc's wording (`messages`). */
function syntaxProblem(e: IRecognitionException, text: string): SyntaxProblem {
  const tok = e.token;
  const prev = (e as IRecognitionException & { previousToken?: IToken }).previousToken;
  const isEof = !tok || tok.tokenType?.name === "EOF";
  const start = isEof ? text.length : tok.startOffset;
  const end = isEof ? text.length : (tok.endOffset ?? tok.startOffset) + 1;
  return { message: e.message, start, end, hint: hintAfter(prev) };
}
