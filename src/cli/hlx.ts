/**
 * `hlx` — the operator's command line. Each command lives in ./commands/<file>.ts and exports
 * `run(argv: string[]): Promise<number>` (the exit code) and a one-line `summary`.
 * Errors a user can fix are thrown as CliError and printed as one line, exit code 2 by default.
 */
import { CliError } from './errors';
import { envHelp } from '../config/env';
import { redactSecrets } from '../util/log';

interface CommandModule {
  run(argv: string[]): Promise<number>;
  summary: string;
}

/** command name → module under ./commands (multi-word commands like `session start` dispatch inside). */
const COMMANDS: Record<string, string> = {
  sign: './commands/sign',
  recover: './commands/recover',
  sim: './commands/sim',
  session: './commands/session',
  hardstop: './commands/hardstop',
  fleet: './commands/fleet',
  resume: './commands/resume',
  abandon: './commands/abandon',
  report: './commands/report',
  worker: './commands/worker',
  demo: './commands/demo',
  chaos: './commands/chaos',
};

function load(name: string): CommandModule | undefined {
  const rel = COMMANDS[name];
  if (!rel) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(rel) as CommandModule;
}

function usage(): string {
  const lines = ['usage: hlx <command> [options]', '', 'commands:'];
  for (const name of Object.keys(COMMANDS)) {
    let summary = '';
    try {
      summary = load(name)?.summary ?? '';
    } catch {
      summary = '(not available in this build)';
    }
    lines.push(`  ${name.padEnd(10)} ${summary}`);
  }
  lines.push('', envHelp(['CLI'], "environment variables (the commands' own; `hlx worker --help` lists the workers')"));
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const mod = load(name);
  if (!mod) {
    console.error(`hlx: unknown command ${JSON.stringify(name)}\n\n${usage()}`);
    return 2;
  }
  try {
    return await mod.run(rest);
  } catch (e) {
    if (e instanceof CliError) {
      console.error(redactSecrets(`hlx ${name}: ${e.message}`));
      return e.exitCode;
    }
    const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    console.error(redactSecrets(`hlx ${name}: unexpected error: ${msg}`));
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
