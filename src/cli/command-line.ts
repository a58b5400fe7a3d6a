import { parseArgs, type ParseArgsConfig } from 'node:util';

type Parsed<T extends ParseArgsConfig> = ReturnType<typeof parseArgs<T>>;

/**
 * Parses the command line the same way for every tool: a flag it does not
 * know is printed with the usage and exits 2; `--help` prints the usage and
 * exits 0. `config.args` defaults to the program's own arguments.
 */
export function parseCommandLine<T extends ParseArgsConfig>(
  config: T,
  usage: string,
): { parsed: Parsed<T> } | { exitCode: number } {
  let parsed: Parsed<T>;
  try {
    parsed = parseArgs<T>({ args: process.argv.slice(2), ...config });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${usage}\n`);
    return { exitCode: 2 };
  }
  if ((parsed.values as { help?: boolean }).help) {
    process.stdout.write(`${usage}\n`);
    return { exitCode: 0 };
  }
  return { parsed };
}
