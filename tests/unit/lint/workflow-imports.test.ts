/**
 * Workflows must stay deterministic (temporal.md; SPEC): no Node built-ins, no I/O modules, and
 * activities imported as types only. This test parses every file under workflows/ and
 * src/orchestration/ with the TypeScript parser, follows their relative value imports
 * transitively (a forbidden module two hops away still ends up in the workflow bundle), and fails
 * naming the file, the import and the chain that reached it. `import type` is erased at compile
 * time and therefore allowed; a value import of anything under activities/ is a violation.
 */
import { builtinModules } from 'node:module';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import ts from 'typescript';

const ROOT = path.join(__dirname, '..', '..', '..');
const ROOTS = ['workflows', 'src/orchestration'];
const FORBIDDEN_PACKAGES = [
  'ws',
  'ethers',
  'undici',
  'axios',
  'node-fetch',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
  '@temporalio/testing',
  '@temporalio/envconfig',
];
const BUILTINS = new Set(builtinModules.map((m) => m.replace(/^node:/, '')));

export interface ValueImport {
  specifier: string;
  line: number;
}

/** Module specifiers this source loads at run time (type-only imports and exports excluded). */
export function valueImports(fileName: string, text: string): ValueImport[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const out: ValueImport[] = [];
  const add = (spec: ts.Expression, node: ts.Node) => {
    if (ts.isStringLiteralLike(spec)) out.push({ specifier: spec.text, line: sf.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node)) {
      const c = node.importClause;
      const typeOnly =
        c !== undefined &&
        (c.isTypeOnly ||
          (c.name === undefined &&
            c.namedBindings !== undefined &&
            ts.isNamedImports(c.namedBindings) &&
            c.namedBindings.elements.length > 0 &&
            c.namedBindings.elements.every((e) => e.isTypeOnly)));
      if (!typeOnly) add(node.moduleSpecifier, node);
    } else if (ts.isExportDeclaration(node)) {
      const typeOnly =
        node.isTypeOnly ||
        (node.exportClause !== undefined && ts.isNamedExports(node.exportClause) && node.exportClause.elements.length > 0 && node.exportClause.elements.every((e) => e.isTypeOnly));
      if (node.moduleSpecifier && !typeOnly) add(node.moduleSpecifier, node);
    } else if (ts.isImportEqualsDeclaration(node) && !node.isTypeOnly && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression, node);
    } else if (ts.isCallExpression(node) && node.arguments.length >= 1) {
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      const isDynamicImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      if (isRequire || isDynamicImport) add(node.arguments[0], node);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

export function forbiddenReason(specifier: string): string | undefined {
  if (specifier.startsWith('node:')) return 'Node built-in';
  const top = specifier.split('/')[0];
  if (BUILTINS.has(specifier) || BUILTINS.has(top)) return 'Node built-in';
  for (const p of FORBIDDEN_PACKAGES) if (specifier === p || specifier.startsWith(p + '/')) return 'I/O or non-workflow package';
  return undefined;
}

/** Activities run in the worker, not the workflow sandbox: workflows may only import their types. */
function isActivityModule(file: string): boolean {
  return path.relative(ROOT, file).split(path.sep)[0] === 'activities';
}

function resolveRelative(from: string, spec: string): string | undefined {
  const base = path.resolve(path.dirname(from), spec);
  for (const c of [base, `${base}.ts`, path.join(base, 'index.ts')]) {
    if (c.endsWith('.ts') && fs.existsSync(c) && fs.statSync(c).isFile()) return c;
  }
  return undefined;
}

function listTs(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return listTs(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Every violation reachable from the given entry files: "file:line imports 'x' (reason) via a → b". */
export function findViolations(entries: string[]): string[] {
  const violations: string[] = [];
  const seen = new Map<string, string[]>(); // file → chain that reached it
  const queue: [string, string[]][] = entries.map((f) => [f, [path.relative(ROOT, f)]]);
  for (const [f, chain] of queue) seen.set(f, chain);
  while (queue.length > 0) {
    const [file, chain] = queue.shift()!;
    for (const imp of valueImports(file, fs.readFileSync(file, 'utf8'))) {
      const rel = path.relative(ROOT, file);
      if (imp.specifier.startsWith('.')) {
        const target = resolveRelative(file, imp.specifier);
        if (target && isActivityModule(target)) {
          violations.push(`${rel}:${imp.line} imports activity module '${imp.specifier}' as a value (use import type + proxyActivities) via ${chain.join(' → ')}`);
          continue;
        }
        if (target && !seen.has(target)) {
          const next = [...chain, path.relative(ROOT, target)];
          seen.set(target, next);
          queue.push([target, next]);
        }
        continue;
      }
      const reason = forbiddenReason(imp.specifier);
      if (reason) violations.push(`${rel}:${imp.line} imports '${imp.specifier}' (${reason}) via ${chain.join(' → ')}`);
    }
  }
  return violations;
}

describe('workflow import hygiene', () => {
  test('the scanner sees value imports, requires and dynamic imports, and skips type-only ones', () => {
    const src = [
      "import * as fs from 'fs';",
      "import { readFile } from 'node:fs/promises';",
      "import type { Client } from '@temporalio/client';",
      "import { type Worker } from '@temporalio/worker';",
      "import { proxyActivities } from '@temporalio/workflow';",
      "export { Wallet } from 'ethers';",
      "export type { WebSocket } from 'ws';",
      "const cp = require('child_process');",
      "async function f() { await import('net'); }",
      "import http = require('http');",
    ].join('\n');
    const specs = valueImports('x.ts', src).map((i) => i.specifier);
    expect(specs).toEqual(['fs', 'node:fs/promises', '@temporalio/workflow', 'ethers', 'child_process', 'net', 'http']);
    expect(specs.filter((s) => forbiddenReason(s))).toEqual(['fs', 'node:fs/promises', 'ethers', 'child_process', 'net', 'http']);
    for (const ok of ['@temporalio/workflow', '@temporalio/common', 'zod', 'decimal.js', '../src/orchestration/ids']) expect(forbiddenReason(ok)).toBeUndefined();
    for (const bad of ['crypto', 'node:crypto', 'stream/promises', 'ws', '@temporalio/worker', '@temporalio/client/lib/x']) expect(forbiddenReason(bad)).toBeDefined();
  });

  test('a value import of an activity module is reported, a type import is not', () => {
    // the fixture lives outside the repo so no concurrent tsc or bundler ever sees it
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hlx-lint-'));
    try {
      const bad = path.join(dir, 'bad.ts');
      const spec = path.relative(dir, path.join(ROOT, 'activities', 'stop')).split(path.sep).join('/');
      fs.writeFileSync(bad, `import { cancelAllOpenOrders } from '${spec}';\nimport type * as acts from '${spec}';\n`);
      const v = findViolations([bad]);
      expect(v).toHaveLength(1);
      expect(v[0]).toMatch(/bad\.ts:1 imports activity module '.*activities\/stop' as a value/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('nothing reachable from workflows/ or src/orchestration/ loads a Node built-in or an I/O module', () => {
    const entries = ROOTS.flatMap((r) => listTs(path.join(ROOT, r)));
    expect(entries.length).toBeGreaterThan(0);
    expect(findViolations(entries)).toEqual([]);
  });
});
