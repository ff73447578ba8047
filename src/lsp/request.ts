/**
 * One wrapper for every document request, as Langium's `createRequestHandler`: it finds
 * what the handler works on (the document's analysis, or its text), answers the feature's
 * neutral result when the document is not open, answers `RequestCancelled` when the client
 * cancelled before the work started, and turns an exception into the neutral result after
 * logging it once (`guard`), so no input can crash the server or leave a request unanswered.
 */
import {
  type CancellationToken,
  LSPErrorCodes,
  ResponseError,
  type TextDocumentIdentifier,
  type TextDocuments,
} from "vscode-languageserver/node.js";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { AnalysisCache } from "./analysis.js";
import type { DocumentAnalysis } from "./language.js";
import { guard, type Logger } from "./safe.js";

export interface DocumentParams {
  textDocument: TextDocumentIdentifier;
}

/** A request handler as vscode-languageserver registers it. */
export type RequestHandler<P, R> = (params: P, token: CancellationToken) => Promise<R | ResponseError<void>>;

export interface Requests {
  /** A handler on the open document's current analysis (hover, symbols, folding…). */
  analysis<P extends DocumentParams, R>(
    name: string,
    fallback: () => R,
    handler: (analysis: DocumentAnalysis, params: P) => R,
  ): RequestHandler<P, R>;
  /** A handler on the open document's text, for features that do not need its analysis (formatting, completion). */
  document<P extends DocumentParams, R>(
    name: string,
    fallback: () => R,
    handler: (document: TextDocument, params: P) => R,
  ): RequestHandler<P, R>;
}

function cancelled(): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.RequestCancelled, "the request was cancelled");
}

function wrap<P extends DocumentParams, T, R>(
  name: string,
  log: Logger,
  lookup: (uri: string) => T | undefined,
  fallback: () => R,
  handler: (target: T, params: P) => R,
): RequestHandler<P, R> {
  const guarded = guard(name, fallback, log, (params: P) => {
    const target = lookup(params.textDocument.uri);
    return target === undefined ? fallback() : handler(target, params);
  });
  return async (params, token) => (token?.isCancellationRequested ? cancelled() : guarded(params));
}

export function requestsFor(documents: TextDocuments<TextDocument>, analyses: AnalysisCache, log: Logger): Requests {
  return {
    analysis: (name, fallback, handler) => wrap(name, log, (uri) => analyses.get(uri), fallback, handler),
    document: (name, fallback, handler) => wrap(name, log, (uri) => documents.get(uri), fallback, handler),
  };
}
