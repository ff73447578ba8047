/**
 * Signature help inside a call (`pgd(linf, 0.1, |`): the construct's parameters from its
 * catalog declaration, the one the cursor's argument fills highlighted, chosen by the same
 * binding rule as the compiler (`positionalParam`; a variadic parameter takes the rest).
 */
import type { ParameterInformation, SignatureHelp, SignatureHelpParams } from "vscode-languageserver/node.js";
import { positionalParam } from "../compiler/index.js";
import type { Feature } from "./context.js";
import { offsetOf } from "./convert.js";
import { cursorAt } from "./cursor.js";
import { calleeEntry, markdown } from "./docs.js";
import type { LexToken } from "./language.js";

export function signatureHelpAt(tokens: readonly LexToken[], offset: number): SignatureHelp | null {
  const { context } = cursorAt(tokens, offset);
  if (context.kind !== "argument") return null;
  const entry = calleeEntry(context.callee);
  if (!entry || entry.params.length === 0) return null;
  const labels = entry.params.map((p) =>
    p.variadic ? `${p.name}…` : p.default === undefined ? p.name : `${p.name}=${p.default}`,
  );
  let at = entry.name.length + 1;
  const parameters = labels.map((label, i): ParameterInformation => {
    const range: [number, number] = [at, at + label.length];
    at += label.length + 2;
    return { label: range, documentation: entry.params[i]?.doc };
  });
  const active = context.named
    ? entry.params.find((p) => p.name === context.named)
    : positionalParam(entry.params, context.index);
  return {
    signatures: [{ label: `${entry.name}(${labels.join(", ")})`, documentation: markdown(entry.doc), parameters }],
    activeSignature: 0,
    ...(active ? { activeParameter: entry.params.indexOf(active) } : {}),
  };
}

export const signatureHelp: Feature = {
  capabilities: { signatureHelpProvider: { triggerCharacters: ["(", ","], retriggerCharacters: ["="] } },
  register: ({ connection, analyses, requests }) =>
    connection.onSignatureHelp(
      requests.document(
        "signatureHelp",
        (): SignatureHelp | null => null,
        (document, params: SignatureHelpParams) =>
          signatureHelpAt(analyses.tokens(document), offsetOf(document, params.position)),
      ),
    ),
};
