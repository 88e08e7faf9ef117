/**
 * `hlx sign` / `hlx recover` end to end: spawned as `node bin/hlx.js` the way a user runs it.
 * Spawns run concurrently to keep the suite fast.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..', '..');
const KEY = '0x0123456789012345678901234567890123456789012345678901234567890123';
const ADDRESS = '0x14791697260E4c9A71f18484C9f997B308e59325';
const ORDER = { type: 'order', orders: [{ a: 1, b: true, p: '100', s: '100', r: false, t: { limit: { tif: 'Gtc' } } }], grouping: 'na' };

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function hlx(args: string[], stdin: string, env: Record<string, string | undefined> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const childEnv = { ...process.env, ...env };
    if (!('HL_PRIVATE_KEY' in env)) delete childEnv.HL_PRIVATE_KEY;
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'hlx.js'), ...args], { cwd: ROOT, env: childEnv });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

function expectOneLineError(r: Run, pattern: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
}

describe('hlx sign / recover', () => {
  let runs: Record<string, Run>;
  beforeAll(async () => {
    // keys scrambled out of canonical order: sign must hash the canonical order anyway
    const scrambled = { grouping: 'na', orders: [{ t: { limit: { tif: 'Gtc' } }, r: false, s: '100', p: '100', b: true, a: 1 }], type: 'order' };
    const signed = await hlx(['sign'], JSON.stringify({ action: scrambled, nonce: 0, isMainnet: true }), { HL_PRIVATE_KEY: KEY });
    const sig = JSON.parse(signed.stdout).signature;
    const payload = { action: ORDER, nonce: 0, isMainnet: true, signature: sig };
    const entries = await Promise.all(
      Object.entries({
        recoverMatch: () => hlx(['recover', '--expect', ADDRESS.toLowerCase()], JSON.stringify(payload)),
        recoverMismatch: () => hlx(['recover', '--expect', '0x' + '11'.repeat(20)], JSON.stringify(payload)),
        recoverTestnet: () => hlx(['recover'], JSON.stringify({ ...payload, isMainnet: false })),
        badJson: () => hlx(['sign'], '{"action":', { HL_PRIVATE_KEY: KEY }),
        badField: () => hlx(['sign'], JSON.stringify({ action: ORDER, nonce: 'soon', isMainnet: true }), { HL_PRIVATE_KEY: KEY }),
        trailingZero: () => hlx(['sign'], JSON.stringify({ action: { ...ORDER, orders: [{ ...ORDER.orders[0], p: '100.0' }] }, nonce: 1, isMainnet: true }), { HL_PRIVATE_KEY: KEY }),
        falseFlag: () => hlx(['sign'], JSON.stringify({ action: { type: 'cancel', cancels: [{ a: 1, o: 2 }], f: false }, nonce: 1, isMainnet: false }), { HL_PRIVATE_KEY: KEY }),
        badKey: () => hlx(['sign'], JSON.stringify({ action: ORDER, nonce: 1, isMainnet: true }), { HL_PRIVATE_KEY: KEY.slice(0, -2) }),
        noKey: () => hlx(['sign'], JSON.stringify({ action: ORDER, nonce: 1, isMainnet: true })),
        badSignature: () => hlx(['recover'], JSON.stringify({ ...payload, signature: { ...sig, v: 29 } })),
        badExpect: () => hlx(['recover', '--expect', 'bob'], JSON.stringify(payload)),
      }).map(async ([k, f]) => [k, await f()] as const),
    );
    runs = { signed, ...Object.fromEntries(entries) };
  }, 120_000);

  test('sign prints msgpack, connection id, signature and signer (Python SDK order vector)', () => {
    expect(runs.signed.code).toBe(0);
    const out = JSON.parse(runs.signed.stdout);
    expect(Object.keys(out)).toEqual(['msgpackHex', 'connectionId', 'signature', 'signer']);
    expect(out.msgpackHex).toBe('0x83a474797065a56f72646572a66f72646572739186a16101a162c3a170a3313030a173a3313030a172c2a17481a56c696d697481a3746966a3477463a867726f7570696e67a26e61');
    expect(out.connectionId).toBe('0x884f2c32bb6dbdd65f6033e32fb28c0cb6f5b345db0f6471fd3366d85c9252c1');
    expect(BigInt(out.signature.r)).toBe(BigInt('0xd65369825a9df5d80099e513cce430311d7d26ddf477f5b3a33d2806b100d78e'));
    expect(BigInt(out.signature.s)).toBe(BigInt('0x2b54116ff64054968aa237c20ca9ff68000f977c93289157748a3162b6ea940e'));
    expect(out.signature.v).toBe(28);
    expect(out.signer).toBe(ADDRESS);
    expect(runs.signed.stdout + runs.signed.stderr).not.toContain(KEY.slice(2));
  });

  test('recover finds the signer; --expect matches case-insensitively (exit 0) or not (exit 1)', () => {
    expect(runs.recoverMatch.code).toBe(0);
    expect(JSON.parse(runs.recoverMatch.stdout)).toMatchObject({ signer: ADDRESS, matches: true });
    expect(runs.recoverMismatch.code).toBe(1);
    expect(JSON.parse(runs.recoverMismatch.stdout)).toMatchObject({ signer: ADDRESS, matches: false });
    // the testnet payload with a mainnet signature recovers someone else (what the venue would report)
    expect(runs.recoverTestnet.code).toBe(0);
    const other = JSON.parse(runs.recoverTestnet.stdout);
    expect(other.signer).not.toBe(ADDRESS);
    expect('matches' in other).toBe(false);
  });

  test('bad input: one line naming the problem, exit 2, no stack trace, never the key', () => {
    expectOneLineError(runs.badJson, /^hlx sign: stdin: not valid JSON/);
    expectOneLineError(runs.badField, /^hlx sign: nonce: /);
    expectOneLineError(runs.trailingZero, /^hlx sign: action\.orders\.0\.p: .*trailing zeros/);
    expectOneLineError(runs.falseFlag, /^hlx sign: action\.f: must be true or omitted/);
    expectOneLineError(runs.badKey, /^hlx sign: HL_PRIVATE_KEY: not a private key/);
    expect(runs.badKey.stderr).not.toContain(KEY.slice(2, 40));
    expectOneLineError(runs.noKey, /^hlx sign: HL_PRIVATE_KEY is not set/);
    expectOneLineError(runs.badSignature, /^hlx recover: signature\.v: /);
    expectOneLineError(runs.badExpect, /^hlx recover: --expect: /);
  });
});
