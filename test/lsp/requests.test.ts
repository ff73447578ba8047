/**
 * The server's request plumbing: one wrapper for every document request (lookup,
 * cancellation, errors) and capabilities that come from the registered features.
 */
import { describe, expect, it } from "vitest";
import {
  type CancellationToken,
  type Connection,
  LSPErrorCodes,
  ResponseError,
  TextDocuments,
} from "vscode-languageserver/node.js";
import { TextDocument } from "vscode-languageserver-textdocument";
import { AnalysisCache } from "../../src/lsp/analysis.js";
import { capabilitiesOf } from "../../src/lsp/capabilities.js";
import { features } from "../../src/lsp/features.js";
import { requestsFor } from "../../src/lsp/request.js";

const NOT_CANCELLED = { isCancellationRequested: false } as CancellationToken;
const CANCELLED = { isCancellationRequested: true } as CancellationToken;

function setup() {
  const documents = new TextDocuments(TextDocument);
  const logged: string[] = [];
  const analyses = new AnalysisCache(documents);
  return { documents, analyses, logged, requests: requestsFor(documents, analyses, (m) => logged.push(m)) };
}

describe("request wrapper", () => {
  const params = { textDocument: { uri: "file:///absent.lth" } };

  it("answers the fallback for a document that is not open, without calling the handler", async () => {
    const { requests } = setup();
    let called = false;
    const handler = requests.analysis(
      "test",
      () => "fallback",
      () => {
        called = true;
        return "answer";
      },
    );
    expect(await handler(params, NOT_CANCELLED)).toBe("fallback");
    expect(called).toBe(false);
  });

  it("answers RequestCancelled when the client cancelled first", async () => {
    const { requests } = setup();
    const answer = await requests.document(
      "test",
      () => "fallback",
      () => "answer",
    )(params, CANCELLED);
    expect(answer).toBeInstanceOf(ResponseError);
    expect((answer as ResponseError<void>).code).toBe(LSPErrorCodes.RequestCancelled);
  });

  it("turns an exception into the fallback and logs it once", async () => {
    const doc = TextDocument.create("file:///a.lth", "lth", 1, "epochs 3\n");
    // Stands for the open documents (TextDocuments learns them from the connection).
    const open = { get: (uri: string) => (uri === doc.uri ? doc : undefined) } as TextDocuments<TextDocument>;
    const logged: string[] = [];
    const requests = requestsFor(open, new AnalysisCache(open), (m) => logged.push(m));
    let seen: TextDocument | undefined;
    const handler = requests.analysis(
      "boom",
      () => "fallback",
      (analysis) => {
        seen = analysis.document;
        throw new Error("bug");
      },
    );
    expect(await handler({ textDocument: { uri: doc.uri } }, NOT_CANCELLED)).toBe("fallback");
    expect(seen).toBe(doc);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain("boom failed");
  });
});

/** Maps each advertised capability to the connection method that serves it. */
const SERVED_BY: Record<string, string> = {
  completionProvider: "onCompletion",
  hoverProvider: "onHover",
  signatureHelpProvider: "onSignatureHelp",
  inlayHintProvider: "languages.inlayHint.on",
  documentFormattingProvider: "onDocumentFormatting",
  documentSymbolProvider: "onDocumentSymbol",
  semanticTokensProvider: "languages.semanticTokens.on",
  foldingRangeProvider: "onFoldingRanges",
  codeActionProvider: "onCodeAction",
  definitionProvider: "onDefinition",
  referencesProvider: "onReferences",
};

describe("capabilities", () => {
  it("advertise exactly what the registered features serve", () => {
    const registered: string[] = [];
    const exits: (() => void)[] = [];
    const recorder =
      (path: string) =>
      (...args: unknown[]) => {
        registered.push(path);
        if (path === "onExit") exits.push(args[0] as () => void);
      };
    const languages = {
      inlayHint: { on: recorder("languages.inlayHint.on") },
      semanticTokens: { on: recorder("languages.semanticTokens.on") },
    };
    const connection = new Proxy({} as Connection, {
      get: (_target, prop) => (prop === "languages" ? languages : recorder(String(prop))),
    });
    const { documents, analyses, requests } = setup();
    for (const feature of features) feature.register({ connection, documents, analyses, log: () => {}, requests });
    for (const exit of exits) exit();

    const { textDocumentSync, ...advertised } = capabilitiesOf(features);
    expect(textDocumentSync).toBeDefined();
    const served = Object.keys(advertised).map((capability) => SERVED_BY[capability]);
    expect(served.every((method) => method !== undefined)).toBe(true);
    const requestMethods = registered.filter((method) => Object.values(SERVED_BY).includes(method));
    expect(new Set(requestMethods)).toEqual(new Set(served));
  });
});
