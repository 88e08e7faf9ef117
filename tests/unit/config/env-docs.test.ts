/**
 * The README's "Environment variables" table, the --help texts and the code's readers agree with
 * src/config/env.ts: a variable read but not declared, or declared but not documented, fails here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ENV_DOCS, envMarkdownTable, type EnvName } from '../../../src/config/env';
import { BEGIN, END, README } from '../../../scripts/gen-env-docs';
import { workerHelp } from '../../../src/cli/commands/worker';

const ROOT = path.join(__dirname, '..', '..', '..');
const NAMES = Object.keys(ENV_DOCS) as EnvName[];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sourceFiles(p);
    return /\.ts$/.test(e.name) ? [p] : [];
  });
}

describe('environment variables: module, README and readers agree', () => {
  const readme = fs.readFileSync(README, 'utf8');

  it('the README table is the one generated from src/config/env.ts (npx tsx scripts/gen-env-docs.ts rewrites it)', () => {
    const a = readme.indexOf(BEGIN);
    const b = readme.indexOf(END);
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(a);
    expect(readme.slice(a + BEGIN.length, b).trim()).toBe(envMarkdownTable());
  });

  it('every declared variable has a row in the README table', () => {
    const table = readme.slice(readme.indexOf(BEGIN), readme.indexOf(END));
    const missing = NAMES.filter((n) => !table.includes(`| \`${n}\` |`));
    expect(missing).toEqual([]);
  });

  it('every process.env.X / env.X read under src/, workers/ and activities/ is declared', () => {
    const declared = new Set<string>(NAMES);
    const undeclared: string[] = [];
    for (const dir of ['src', 'workers', 'activities']) {
      for (const file of sourceFiles(path.join(ROOT, dir))) {
        const text = fs.readFileSync(file, 'utf8');
        for (const m of text.matchAll(/\b(?:process\.env|env)\.([A-Z][A-Z0-9_]*)\b/g)) {
          if (!declared.has(m[1]!)) undeclared.push(`${path.relative(ROOT, file)}: ${m[1]}`);
        }
      }
    }
    expect(undeclared).toEqual([]);
  });

  it('each declared variable names at least one reader and a default', () => {
    for (const n of NAMES) {
      expect(ENV_DOCS[n].readers.length).toBeGreaterThan(0);
      expect(ENV_DOCS[n].default.length).toBeGreaterThan(0);
    }
  });

  it('hlx worker --help lists the workers\' variables and says what the ready line is', () => {
    const all = workerHelp();
    expect(all).toContain('stop worker ready: polling');
    expect(all).toContain('hot-path worker ready: polling');
    for (const n of NAMES.filter((x) => !ENV_DOCS[x].testOnly && ENV_DOCS[x].readers.some((r) => r === 'stop worker' || r === 'hot-path worker'))) {
      expect(all).toContain(n);
    }
    const stop = workerHelp('stop');
    expect(stop).toContain('HLX_VENUE_HTTP_URL');
    expect(stop).not.toContain('HLX_SESSION_CONFIG');
    expect(workerHelp('hotpath')).toContain('HLX_STATUS_DIR');
  });
});
