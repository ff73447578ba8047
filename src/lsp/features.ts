import { codeActions } from "./code-actions.js";
import { completion } from "./completion.js";
import type { Feature } from "./context.js";
import { definitions } from "./definition.js";
import { diagnostics } from "./diagnostics.js";
import { folding } from "./folding.js";
import { formatting } from "./formatting.js";
import { hover } from "./hover.js";
import { inlayHints } from "./inlay-hints.js";
import { semanticTokens } from "./semantic-tokens.js";
import { signatureHelp } from "./signature-help.js";
import { documentSymbols } from "./symbols.js";

/** Every feature of the server, each in its own file. */
export const features: Feature[] = [
  diagnostics,
  completion,
  hover,
  signatureHelp,
  inlayHints,
  formatting,
  documentSymbols,
  semanticTokens,
  folding,
  codeActions,
  definitions,
];
