import type { Feature } from "./context.js";
import { definitions } from "./definition.js";
import { folding } from "./folding.js";
import { semanticTokens } from "./semantic-tokens.js";
import { documentSymbols } from "./symbols.js";

/** Every feature of the server, each in its own file. */
export const features: Feature[] = [documentSymbols, folding, semanticTokens, definitions];
