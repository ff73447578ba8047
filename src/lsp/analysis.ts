import type { TextDocuments } from "vscode-languageserver/node.js";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { Diagnostic } from "../compiler/index.js";
import { analyzeDocument, type DocumentAnalysis, type Lexed, type LexToken, lexDocumentText } from "./language.js";

/**
 * One compiler analysis per document version, shared by every handler: a burst of
 * requests after a keystroke (diagnostics, semantic tokens, inlay hints, hover)
 * analyzes the text once.
 */
export class AnalysisCache {
  private readonly cache = new Map<string, { version: number; analysis: DocumentAnalysis }>();
  private readonly lexed = new Map<string, { version: number; tokens: LexToken[]; lexing?: Lexed }>();
  private readonly checked = new Map<string, { version: number; diagnostics: Diagnostic[] }>();

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
    // The previous version's parse lets the new one reparse only the statements an edit touched.
    const lexed = this.lexed.get(document.uri);
    const analysis = analyzeDocument(
      document,
      hit?.analysis,
      lexed?.version === document.version ? lexed.lexing : undefined,
    );
    this.cache.set(document.uri, { version: document.version, analysis });
    return analysis;
  }

  /**
   * The latest full analysis of a document, possibly of an earlier version: for
   * what may lag a keystroke behind (the `let` names completion offers) without
   * paying for a whole analysis on every keystroke.
   */
  latest(document: TextDocument): DocumentAnalysis {
    return this.cache.get(document.uri)?.analysis ?? this.of(document);
  }

  /** The current text's tokens alone (the lexer is ~100× cheaper than a full analysis). */
  tokens(document: TextDocument): LexToken[] {
    const hit = this.lexed.get(document.uri);
    if (hit && hit.version === document.version) return hit.tokens;
    const current = this.cache.get(document.uri);
    if (current?.version === document.version) {
      this.lexed.set(document.uri, { version: document.version, tokens: current.analysis.tokens });
      return current.analysis.tokens;
    }
    // Kept whole: the analysis of this version, if one is asked for, parses these same tokens.
    const lexing = lexDocumentText(document.getText());
    this.lexed.set(document.uri, { version: document.version, tokens: lexing.tokens, lexing });
    return lexing.tokens;
  }

  /** Diagnostics checked elsewhere (the checking thread) for a version of a document. */
  setDiagnostics(document: TextDocument, diagnostics: Diagnostic[]): void {
    this.checked.set(document.uri, { version: document.version, diagnostics });
  }

  /** The compiler's diagnostics for the current version: the checking thread's, or checked here. */
  diagnosticsOf(document: TextDocument): Diagnostic[] {
    const hit = this.checked.get(document.uri);
    return hit?.version === document.version ? hit.diagnostics : this.of(document).diagnostics;
  }

  forget(uri: string): void {
    this.cache.delete(uri);
    this.lexed.delete(uri);
    this.checked.delete(uri);
  }
}
