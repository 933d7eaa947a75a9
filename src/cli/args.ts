/** A tiny argv parser for the CLI: positional arguments and `--flag value` / `--flag` options. */
export interface ParsedArgv {
  positional: string[];
  options: Map<string, string | true>;
}

/** Parses `argv`; `flags` are the options that take no value. */
export function parseArgv(argv: readonly string[], flags: readonly string[]): ParsedArgv {
  const positional: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) { positional.push(a); continue; }
    const [name, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
    if (inline !== undefined) options.set(name, inline);
    else if (flags.includes(name)) options.set(name, true);
    else {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('--')) throw new Error(`option --${name} needs a value`);
      options.set(name, v);
      i++;
    }
  }
  return { positional, options };
}
