import type { TextDocuments } from "vscode-languageserver/node.js";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { analyzeDocument, type DocumentAnalysis } from "./language.js";

/**
 * One compiler analysis per document version, shared by every handler: a burst of
 * requests after a keystroke (diagnostics, semantic tokens, inlay hints, hover)
 * analyzes the text once.
 */
export class AnalysisCache {
  private readonly cache = new Map<string, { version: number; analysis: DocumentAnalysis }>();

  constructor(private readonly documents: TextDocuments<TextDocument>) {}

  /** The analysis of an open document, or undefined when the client never opened it. */
  get(uri: string): DocumentAnalysis | undefined {
    const document = this.documents.get(uri);
    if (!document) return undefined;
    return this.of(document);
  }

  of(document: TextDocument): DocumentAnalysis {
    const hit = this.cache.get(document.uri);
    if (hit && hit.version === document.version) return hit.analysis;
    const analysis = analyzeDocument(document);
    this.cache.set(document.uri, { version: document.version, analysis });
    return analysis;
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }
}
