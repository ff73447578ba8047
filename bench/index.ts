/**
 * `npm run bench [-- name…]`: runs bench/<name>.ts for each name (all known ones when none
 * is given). Each benchmark module exports `main(args: string[]): Promise<void>` and
 * prints its own numbers; modules load on demand so one benchmark's imports (tfjs)
 * never slow another.
 */
const KNOWN = ["compile", "lsp", "train"];

interface BenchModule {
  main(args: string[]): Promise<void>;
}

function isMissing(error: unknown, name: string): boolean {
  const code = (error as { code?: unknown }).code;
  return code === "ERR_MODULE_NOT_FOUND" && String((error as Error).message).includes(`${name}.js`);
}

async function runBench(name: string, args: string[]): Promise<boolean> {
  if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`bad benchmark name: ${name}`);
  let mod: BenchModule;
  try {
    mod = (await import(`./${name}.js`)) as BenchModule;
  } catch (error) {
    if (isMissing(error, name)) return false;
    throw error;
  }
  process.stdout.write(`== bench ${name}\n`);
  await mod.main(args);
  return true;
}

async function main(argv: string[]): Promise<void> {
  // Names are the positional arguments; a flag's value (`--backend node`) stays with the flags.
  const names: string[] = [];
  const flags: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("-")) {
      names.push(arg);
      continue;
    }
    flags.push(arg);
    const next = argv[i + 1];
    if (next !== undefined && !next.startsWith("-") && !KNOWN.includes(next)) flags.push(argv[++i]);
  }
  for (const name of names.length > 0 ? names : KNOWN) {
    const ran = await runBench(name, flags);
    if (!ran && names.length > 0) {
      process.stderr.write(`no benchmark named ${name} (known: ${KNOWN.join(", ")})\n`);
      process.exitCode = 1;
    }
  }
}

await main(process.argv.slice(2));
