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
    expectOneLineError(runs.falseFlag, /^hlx sign: action\.f: must be true or omitted/);
    expectOneLineError(runs.badKey, /^hlx sign: HL_PRIVATE_KEY: not a private key/);
    expect(runs.badKey.stderr).not.toContain(KEY.slice(2, 40));
    expectOneLineError(runs.noKey, /^hlx sign: HL_PRIVATE_KEY is not set/);
    expectOneLineError(runs.badSignature, /^hlx recover: signature\.v: /);
    expectOneLineError(runs.badExpect, /^hlx recover: --expect: /);
  });
});

/** Rust SDK vectors (hyperliquid.md §4.2): key, nonce 1583838, 65-byte signatures r‖s‖v. */
const RS_KEY = '0xe908f86dbb4d55ac876378565aafeabc187f6690f046459397b17d9b9a19688e';
const RS_ADDRESS = '0xcd49bbac6e85fdeb167eb7ca41a945d2b8758f6f';
const RS_NONCE = 1583838;
const split65 = (h: string) => ({ r: BigInt('0x' + h.slice(2, 66)), s: BigInt('0x' + h.slice(66, 130)), v: parseInt(h.slice(130, 132), 16) });
const sigOf = (stdout: string) => {
  const sig = JSON.parse(stdout).signature;
  return { r: BigInt(sig.r), s: BigInt(sig.s), v: sig.v };
};

describe('hlx sign / recover: user-signed actions, and strings signed as given', () => {
  const transfer = { signatureChainId: '0x66eee', hyperliquidChain: 'Testnet', destination: '0x0D1d9635D0640821d15e323ac8AdADfA9c111414', amount: '1', time: 1690393044548 };
  const fee = { type: 'approveBuilderFee', signatureChainId: '0x66eee', hyperliquidChain: 'Mainnet', maxFeeRate: '0.001%', builder: '0x1234567890123456789012345678901234567890', nonce: RS_NONCE };
  const agent = { type: 'approveAgent', signatureChainId: '0x66eee', hyperliquidChain: 'Testnet', agentAddress: '0x' + '5a'.repeat(20), nonce: 1700000000000 };
  const trailing = { type: 'order', orders: [{ a: 1, b: true, p: '2000.0', s: '3.5', r: false, t: { limit: { tif: 'Ioc' } } }], grouping: 'na' };
  const upperCloid = { type: 'order', orders: [{ a: 1, b: true, p: '2000', s: '3.5', r: false, t: { limit: { tif: 'Ioc' } }, c: '0x1E60610F0B3D420597C88C1FED2AD5EE' }], grouping: 'na' };
  let runs: Record<string, Run>;
  beforeAll(async () => {
    const env = { HL_PRIVATE_KEY: RS_KEY };
    const entries = await Promise.all(
      Object.entries({
        usdSend: () => hlx(['sign'], JSON.stringify({ action: { type: 'usdSend', ...transfer }, nonce: transfer.time }), env),
        withdraw3: () => hlx(['sign'], JSON.stringify({ action: { type: 'withdraw3', ...transfer }, nonce: transfer.time }), env),
        builderFee: () => hlx(['sign'], JSON.stringify({ action: fee, nonce: RS_NONCE, isMainnet: true }), env),
        agent: () => hlx(['sign'], JSON.stringify({ action: agent, nonce: agent.nonce }), env),
        trailing: () => hlx(['sign'], JSON.stringify({ action: trailing, nonce: RS_NONCE, isMainnet: true }), env),
        upperCloid: () => hlx(['sign'], JSON.stringify({ action: upperCloid, nonce: RS_NONCE, isMainnet: true }), env),
        nonceMismatch: () => hlx(['sign'], JSON.stringify({ action: fee, nonce: RS_NONCE + 1 }), env),
        chainMismatch: () => hlx(['sign'], JSON.stringify({ action: fee, nonce: RS_NONCE, isMainnet: false }), env),
        badFeeRate: () => hlx(['sign'], JSON.stringify({ action: { ...fee, maxFeeRate: '0.001' }, nonce: RS_NONCE }), env),
        l1NoChain: () => hlx(['sign'], JSON.stringify({ action: ORDER, nonce: 1 }), env),
      }).map(async ([k, f]) => [k, await f()] as const),
    );
    runs = Object.fromEntries(entries);
    // recover each signed payload back to the signer
    const recovers = await Promise.all(
      (
        [
          ['usdSend', { action: { type: 'usdSend', ...transfer }, nonce: transfer.time }],
          ['builderFee', { action: fee, nonce: RS_NONCE }],
          ['agent', { action: agent, nonce: agent.nonce }],
          ['upperCloid', { action: upperCloid, nonce: RS_NONCE, isMainnet: true }],
        ] as const
      ).map(async ([k, payload]) => [`recover_${k}`, await hlx(['recover', '--expect', RS_ADDRESS], JSON.stringify({ ...payload, signature: JSON.parse(runs[k].stdout).signature }))] as const),
    );
    runs = { ...runs, ...Object.fromEntries(recovers) };
  }, 120_000);

  test('usdSend, withdraw3 and approveBuilderFee match the Rust SDK vectors; approveAgent signs', () => {
    for (const k of ['usdSend', 'withdraw3', 'builderFee', 'agent']) {
      expect(runs[k].code).toBe(0);
      expect(Object.keys(JSON.parse(runs[k].stdout))).toEqual(['primaryType', 'digest', 'signature', 'signer']);
    }
    expect(sigOf(runs.usdSend.stdout)).toEqual(split65('0x214d507bbdaebba52fa60928f904a8b2df73673e3baba6133d66fe846c7ef70451e82453a6d8db124e7ed6e60fa00d4b7c46e4d96cb2bd61fd81b6e8953cc9d21b'));
    expect(sigOf(runs.withdraw3.stdout)).toEqual(split65('0xb3172e33d2262dac2b4cb135ce3c167fda55dafa6c62213564ab728b9f9ba76b769a938e9f6d603dae7154c83bf5a4c3ebab81779dc2db25463a3ed663c82ae41c'));
    expect(sigOf(runs.builderFee.stdout)).toEqual(split65('0x343c9078af7c3d6683abefd0ca3b2960de5b669b716863e6dc49090853a4a3cd6c016301239461091a8ca3ea5ac783362526c4d9e9e624ffc563aea93d6ac2391b'));
    expect(JSON.parse(runs.usdSend.stdout).primaryType).toBe('HyperliquidTransaction:UsdSend');
    // a missing agentName is signed as "" (what the Python SDK signs), and said so
    expect(runs.agent.stderr).toMatch(/^hlx sign: warning: action\.agentName: absent, signed as ""/);
    for (const k of ['usdSend', 'builderFee', 'agent', 'upperCloid']) {
      expect(runs[`recover_${k}`].code).toBe(0);
      expect(JSON.parse(runs[`recover_${k}`].stdout)).toMatchObject({ matches: true });
    }
    expect(JSON.parse(runs.recover_builderFee.stdout).digest).toBe(JSON.parse(runs.builderFee.stdout).digest);
  });

  test('a trailing-zero price and an upper-case cloid are signed as given, with a warning naming what the venue hashes', () => {
    // the Rust SDK's p:"2000.0" vector: the trailing zero is inside the hash
    expect(runs.trailing.code).toBe(0);
    expect(sigOf(runs.trailing.stdout)).toEqual(split65('0x77957e58e70f43b6b68581f2dc42011fc384538a2e5b7bf42d5b936f19fbb67360721a8598727230f67080efee48c812a6a4442013fd3b0eed509171bef9f23f1c'));
    expect(runs.trailing.stderr).toMatch(/^hlx sign: warning: action\.orders\.0\.p: "2000\.0" is signed as given; the venue hashes the string verbatim .*"2000"/);
    expect(runs.upperCloid.code).toBe(0);
    expect(runs.upperCloid.stderr).toContain('hlx sign: warning: action.orders.0.c: upper-case hex is signed as given; the venue hashes the cloid string exactly as sent (0x1E60610F0B3D420597C88C1FED2AD5EE), not 0x1e60610f0b3d420597c88c1fed2ad5ee');
    // the msgpack carries the string as given
    expect(JSON.parse(runs.upperCloid.stdout).msgpackHex).toContain(Buffer.from('0x1E60610F0B3D420597C88C1FED2AD5EE').toString('hex'));
  });

  test('user-signed mistakes are one-line errors naming the field', () => {
    expectOneLineError(runs.nonceMismatch, /^hlx sign: action\.nonce: must equal the request nonce/);
    expectOneLineError(runs.chainMismatch, /^hlx sign: action\.hyperliquidChain: Mainnet contradicts isMainnet false/);
    expectOneLineError(runs.badFeeRate, /^hlx sign: action\.maxFeeRate: /);
    expectOneLineError(runs.l1NoChain, /^hlx sign: isMainnet: required for an L1 action/);
  });
});
