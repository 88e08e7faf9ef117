/**
 * `strategy.kind: module`: a user's file, resolved relative to the config file, loaded at start;
 * its params checked with its own zod schema, every problem refused naming the field like any
 * other config error. And `kind: external` needs the gateway.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { loadSessionConfig, parseSessionConfig, readSessionConfig, SessionConfigError } from '../../../src/config/session';
import { resolveTarget } from '../../../src/cli/session-target';
import { strategyFromConfig } from '../../../src/executor/hot-path';

const ROOT = path.join(__dirname, '..', '..', '..');
const base = parse(fs.readFileSync(path.join(ROOT, 'config', 'session.example.yaml'), 'utf8'));
let dir: string;
beforeAll(() => {
  // inside the project (git-ignored .run/) so the module resolves zod as a strategy in its own repository resolves its own
  fs.mkdirSync(path.join(ROOT, '.run'), { recursive: true });
  dir = fs.mkdtempSync(path.join(ROOT, '.run', 'test-module-'));
  fs.mkdirSync(path.join(dir, 'strategies'));
  fs.writeFileSync(
    path.join(dir, 'strategies', 'mine.ts'),
    `import { z } from 'zod';
     import type { Strategy } from 'hl-executor';
     export const paramsSchema = z.object({ coin: z.string(), spreadBps: z.number().positive().default(7) }).strict();
     export function createStrategy(p: z.output<typeof paramsSchema>): Strategy {
       return { name: 'mine-' + p.coin + '-' + p.spreadBps, onTick: () => [] };
     }`,
  );
  fs.writeFileSync(path.join(dir, 'strategies', 'nofactory.ts'), 'export const x = 1;\n');
  fs.writeFileSync(path.join(dir, 'strategies', 'throws.ts'), "export function createStrategy() { throw new Error('coin missing'); }\n");
  fs.writeFileSync(path.join(dir, 'strategies', 'esm.mjs'), "export default function (p) { return { name: 'esm-' + p.n, onTick: () => [] }; }\n");
  fs.writeFileSync(path.join(dir, 'strategies', 'cjs.js'), "module.exports = { createStrategy: (p) => ({ name: 'cjs-' + p.n, onTick: () => [] }) };\n");
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function writeConfig(strategy: unknown, extra: Record<string, unknown> = {}): string {
  const file = path.join(dir, `s-${Math.random().toString(36).slice(2)}.yaml`);
  fs.writeFileSync(file, stringify({ ...base, strategy, ...extra }));
  return file;
}

test('the module is resolved relative to the config file and built with its parsed params (defaults applied)', () => {
  const file = writeConfig({ kind: 'module', module: './strategies/mine.ts', params: { coin: 'BTC' } });
  const cfg = loadSessionConfig(file);
  expect(cfg.strategy).toEqual({ kind: 'module', module: path.join(dir, 'strategies', 'mine.ts'), params: { coin: 'BTC' } });
  expect(strategyFromConfig(cfg).name).toBe('mine-BTC-7');
});

test('bad params are refused at start naming strategy.params.<field>', () => {
  const file = writeConfig({ kind: 'module', module: './strategies/mine.ts', params: { coin: 'BTC', spreadBps: -1 } });
  expect(() => loadSessionConfig(file)).toThrow(SessionConfigError);
  expect(() => loadSessionConfig(file)).toThrow(new RegExp(`^${file}: strategy\\.params\\.spreadBps: `));
  const unknown = writeConfig({ kind: 'module', module: './strategies/mine.ts', params: { coin: 'BTC', spred: 1 } });
  expect(() => loadSessionConfig(unknown)).toThrow(/strategy\.params: Unrecognized key: "spred"/);
  const missing = writeConfig({ kind: 'module', module: './strategies/mine.ts' });
  expect(() => loadSessionConfig(missing)).toThrow(/strategy\.params\.coin: /);
});

test('operator commands find the session without loading the strategy code (a broken module cannot block a HardStop)', () => {
  const file = writeConfig({ kind: 'module', module: './strategies/nofactory.ts' });
  expect(() => loadSessionConfig(file)).toThrow(/exports no createStrategy/);
  expect(readSessionConfig(file).strategy).toMatchObject({ kind: 'module' });
  const t = resolveTarget({ config: file }, { session: 's', stop: 'st', hotPathPrefix: 'hp' });
  expect(t.sessionId).toMatch(/^hlx-session-0x[0-9a-f]{40}-module$/);
});

test('a missing file, a module without a factory, a factory that throws, a wrong extension: each names the field', () => {
  expect(() => loadSessionConfig(writeConfig({ kind: 'module', module: './strategies/nope.ts' }))).toThrow(/: strategy\.module: \.\/strategies\/nope\.ts|strategy\.module: .*nope\.ts: no such file/);
  expect(() => loadSessionConfig(writeConfig({ kind: 'module', module: './strategies/nofactory.ts' }))).toThrow(/strategy\.module: .*nofactory\.ts: exports no createStrategy\(params\) function/);
  expect(() => loadSessionConfig(writeConfig({ kind: 'module', module: './strategies/mine.py' }))).toThrow(/strategy\.module: a path to a \.ts, \.js or \.mjs file/);
  const cfg = loadSessionConfig(writeConfig({ kind: 'module', module: './strategies/throws.ts' }));
  expect(() => strategyFromConfig(cfg)).toThrow(/strategy\.params: .*throws\.ts: createStrategy refused them: coin missing/);
});

test('.mjs (default export) and .js (CommonJS) modules load under tsx, as the worker runs', () => {
  const script = `
    const { loadSessionConfig } = require('./src/config/session');
    const { strategyFromConfig } = require('./src/executor/hot-path');
    for (const f of process.argv.slice(1)) console.log(strategyFromConfig(loadSessionConfig(f)).name);`;
  const files = [writeConfig({ kind: 'module', module: './strategies/esm.mjs', params: { n: 1 } }), writeConfig({ kind: 'module', module: 'strategies/cjs.js', params: { n: 2 } })];
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script, ...files], { cwd: ROOT, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.stdout.trim().split('\n')).toEqual(['esm-1', 'cjs-2']);
});

test('kind external needs a gateway; the gateway listens on loopback only', () => {
  expect(() => parseSessionConfig({ ...base, strategy: { kind: 'external' } })).toThrow(/gateway: required when strategy\.kind is external/);
  const gw = { listen: { host: '0.0.0.0', port: 7901 }, tokenEnv: 'HLX_GATEWAY_TOKEN' };
  expect(() => parseSessionConfig({ ...base, strategy: { kind: 'external' }, gateway: gw })).toThrow(/gateway\.listen/);
  expect(() => parseSessionConfig({ ...base, strategy: { kind: 'external' }, gateway: { ...gw, listen: { port: 7901 }, onDisconnect: 'panic' } })).toThrow(/gateway\.onDisconnect: /);
  const ok = parseSessionConfig({ ...base, strategy: { kind: 'external' }, gateway: { ...gw, listen: { port: 7901 } } });
  expect(ok.gateway).toMatchObject({ listen: { host: '127.0.0.1', port: 7901 }, onDisconnect: 'cancel' });
  const file = writeConfig({ kind: 'external' }, { gateway: { listen: { socket: 'run/s.sock' }, tokenEnv: 'T' } });
  expect(loadSessionConfig(file).gateway!.listen).toEqual({ socket: path.join(dir, 'run', 's.sock') });
});
