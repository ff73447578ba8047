// The TextMate grammar is the language's (grammar/lth.tmLanguage.json, next to the language reference);
// vsce packages only files inside this folder, so it is copied into syntaxes/ at build time. Should the
// repository not have it, fallback/ holds a grammar kept in step with src/compiler/lexer.ts.
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const shared = join(here, "..", "..", "..", "grammar", "lth.tmLanguage.json");
const fallback = join(here, "..", "fallback", "lth.tmLanguage.json");
const target = join(here, "..", "syntaxes", "lth.tmLanguage.json");

const source = existsSync(shared) ? shared : fallback;
mkdirSync(dirname(target), { recursive: true });
copyFileSync(source, target);
console.log(`grammar: ${source} → syntaxes/lth.tmLanguage.json`);
