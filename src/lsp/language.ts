/**
 * The seam between the server and the compiler: the one file that calls the
 * compiler's front end. Everything the handlers know about .lth comes through here.
 */
import { type IToken, tokenMatcher } from "chevrotain";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { FileNode, Range } from "../compiler/ast.js";
import * as T from "../compiler/lexer.js";
import { type Definition, definitionsOf } from "../compiler/lookup.js";
import { parse } from "../compiler/parser.js";

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
  ast: FileNode;
  /** Every token including comments, in source order. */
  tokens: LexToken[];
  definitions: Definition[];
  sourceOf(range: Range): string;
}

const KEYWORD_TYPES = [T.Sweep, T.Let, T.In, T.By, T.SettingKeyword];
const OPERATOR_TYPES = [T.DotDot, T.Equals, T.Pipe, T.Plus, T.Star, T.Slash, T.Caret, T.Colon];

function lexToken(token: IToken, isComment: boolean): LexToken {
  return {
    startOffset: token.startOffset,
    endOffset: (token.endOffset ?? token.startOffset) + 1,
    image: token.image,
    isComment,
    isKeyword: KEYWORD_TYPES.some((type) => tokenMatcher(token, type)),
    isNumber: tokenMatcher(token, T.NumberLit),
    isIdentifier: tokenMatcher(token, T.Identifier),
    isOperator: OPERATOR_TYPES.some((type) => tokenMatcher(token, type)),
  };
}

export function analyzeDocument(document: TextDocument): DocumentAnalysis {
  const text = document.getText();
  const parsed = parse(text);
  const tokens = [...parsed.tokens.map((t) => lexToken(t, false)), ...parsed.comments.map((t) => lexToken(t, true))];
  tokens.sort((a, b) => a.startOffset - b.startOffset);
  return {
    document,
    text,
    ast: parsed.file,
    tokens,
    definitions: definitionsOf(parsed.file),
    sourceOf: (range) => text.slice(range.start.offset, range.end.offset),
  };
}
