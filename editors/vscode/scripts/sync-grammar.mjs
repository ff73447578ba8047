// The TextMate grammar lives in the repository's grammar/ (owned by the language);
// vsce packages only files inside this folder, so a copy is taken at build time.
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const source = join(here, "..", "..", "..", "grammar", "lth.tmLanguage.json");
const target = join(here, "..", "syntaxes", "lth.tmLanguage.json");

if (existsSync(source)) {
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(source, target);
  console.log(`grammar: copied ${source}`);
} else if (existsSync(target)) {
  console.log("grammar: grammar/lth.tmLanguage.json not found; keeping syntaxes/lth.tmLanguage.json");
} else {
  console.error("grammar: neither grammar/lth.tmLanguage.json nor syntaxes/lth.tmLanguage.json exists");
  process.exit(1);
}
