/**
 * Argument parsing for the operator commands: node:util parseArgs tokenizes (unknown flags are
 * errors), zod validates the values. Every error names the flag and exits 2 (CliError).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z } from 'zod';
import { CliError } from './errors';

export type FlagSpec = NonNullable<ParseArgsConfig['options']>;

/** Parse `argv` with `flags`, then validate the values with `schema` (keys = flag names in camelCase). */
export function parseFlags<S extends z.ZodType>(argv: string[], flags: FlagSpec, schema: S, usage: string): z.infer<S> {
  let values: Record<string, unknown>;
  let positionals: string[];
  try {
    const r = parseArgs({ args: argv, options: flags, allowPositionals: true, strict: true });
    values = r.values as Record<string, unknown>;
    positionals = r.positionals;
  } catch (e) {
    throw new CliError(`${(e as Error).message.replace(/\. To specify.*$/s, '')}\n${usage}`);
  }
  if (positionals.length) throw new CliError(`unexpected argument ${JSON.stringify(positionals[0])}\n${usage}`);
  const camel: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) camel[k.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())] = v;
  const r = schema.safeParse(camel);
  if (!r.success) {
    const issue = r.error.issues[0];
    const flag = issue.path.length ? `--${String(issue.path[0]).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}` : 'arguments';
    throw new CliError(`${flag}: ${issue.message}\n${usage}`);
  }
  return r.data;
}

/** A positive integer given as a flag string (e.g. `--interval 500`). */
export const IntFlag = (min = 1) =>
  z
    .string()
    .regex(/^\d+$/, 'expected a whole number')
    .transform(Number)
    .refine((n) => n >= min, `must be ≥ ${min}`);

/** Help requested: print and exit 0. */
export function wantsHelp(argv: string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}
