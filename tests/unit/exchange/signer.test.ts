/**
 * The Signer never lets its private key out: not through JSON, util.inspect, String(), logs,
 * structured clone of its public face, or the errors it throws for bad keys and keystores.
 */
import { inspect } from 'node:util';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Wallet, encryptKeystoreJson } from 'ethers';
import {
  buildExchangeRequest,
  NonceManager,
  orderAction,
  recoverL1Signer,
  recoverUserSignedSigner,
  Signer,
  SignerError,
  USD_SEND_TYPES,
  usdSendAction,
} from '../../../src/exchange/hyperliquid';
import { createLogger, setLogSink } from '../../../src/util/log';

const KEY_HEX = '4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318';
const KEY = '0x' + KEY_HEX;
const ADDRESS = new Wallet(KEY).address;

/** Every spelling of the key that must never appear. */
function expectNoKey(text: string): void {
  expect(text.toLowerCase()).not.toContain(KEY_HEX);
  expect(text.toLowerCase()).not.toContain(KEY_HEX.slice(0, 24));
}

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

async function thrownAsync(f: () => Promise<unknown>): Promise<unknown> {
  try {
    await f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

/** Everything an error could leak through: message, stack, own fields, cause chain, inspect. */
function errorText(e: unknown): string {
  const err = e as Error & { cause?: unknown };
  return [String(err), err.stack ?? '', JSON.stringify(err), JSON.stringify(Object.getOwnPropertyNames(err).map((k) => String((err as unknown as Record<string, unknown>)[k]))), inspect(err, { showHidden: true, depth: 10 }), err.cause ? errorText(err.cause) : ''].join('\n');
}

describe('Signer', () => {
  test('address and signatures the venue recovers', () => {
    const s = Signer.fromPrivateKey(KEY);
    expect(s.address).toBe(ADDRESS);
    const action = orderAction([{ asset: 0, isBuy: true, px: '97000', sz: '0.001', reduceOnly: false, tif: 'Ioc' }]);
    const nonce = new NonceManager().next();
    for (const opts of [{ isMainnet: true }, { isMainnet: false, vaultAddress: '0x' + '12'.repeat(20), expiresAfter: nonce + 60_000 }]) {
      const sig = s.signL1(action, nonce, opts);
      expect(recoverL1Signer(action, nonce, opts, sig)).toBe(ADDRESS);
      expect(s.verifyL1(action, nonce, opts, sig)).toBe(true);
    }
    const send = usdSendAction({ destination: '0x' + 'ab'.repeat(20), amount: '5', time: nonce }, { isMainnet: false });
    expect(recoverUserSignedSigner(send, USD_SEND_TYPES, s.signUserSigned(send, USD_SEND_TYPES))).toBe(ADDRESS);
    expect(Signer.fromPrivateKey(KEY_HEX).address).toBe(ADDRESS); // without 0x
  });

  test('JSON.stringify, util.inspect (even showHidden), String and template literals are redacted', () => {
    const s = Signer.fromPrivateKey(KEY);
    const views = [
      JSON.stringify(s),
      JSON.stringify({ nested: { s } }),
      inspect(s),
      inspect(s, { showHidden: true, depth: 20, getters: true }),
      inspect({ deep: [s] }, { showHidden: true, depth: 20 }),
      String(s),
      `${s}`,
      JSON.stringify(Object.getOwnPropertyNames(s).map((k) => (s as unknown as Record<string, unknown>)[k])),
      JSON.stringify(Object.getOwnPropertySymbols(s).map((k) => String((s as unknown as Record<symbol, unknown>)[k]))),
      JSON.stringify(structuredClone({ ...s })),
    ];
    for (const v of views) expectNoKey(v);
    expect(JSON.parse(JSON.stringify(s))).toEqual({ address: ADDRESS, privateKey: '[REDACTED]' });
    expect(inspect(s)).toContain(ADDRESS);
  });

  test('logging a signer or a signed request never shows the key', () => {
    const lines: string[] = [];
    setLogSink({ write: (l) => lines.push(l) });
    try {
      const s = Signer.fromPrivateKey(KEY);
      const log = createLogger('test');
      const action = orderAction([{ asset: 0, isBuy: true, px: '1', sz: '1', reduceOnly: false }]);
      log.info('signer ready', { signer: s });
      log.info('request', { body: buildExchangeRequest(action, 1, s.signL1(action, 1, { isMainnet: false })) });
    } finally {
      setLogSink(undefined);
    }
    expect(lines.length).toBe(2);
    for (const l of lines) expectNoKey(l);
  });

  test.each([
    ['too short', KEY.slice(0, -1)],
    ['too long', KEY + 'a'],
    ['not hex', KEY.slice(0, -1) + 'g'],
    ['zero', '0x' + '0'.repeat(64)],
    ['above the curve order', '0x' + 'f'.repeat(64)],
    ['with spaces', KEY.slice(0, 30) + ' ' + KEY.slice(30)],
  ])('a bad key (%s) throws a SignerError that does not contain it', (_n, bad) => {
    const e = thrown(() => Signer.fromPrivateKey(bad));
    expect(e).toBeInstanceOf(SignerError);
    const text = errorText(e);
    expectNoKey(text);
    expect(text).not.toContain(bad.slice(2, 26));
  });

  test('fromEnv: missing, bad and good values', () => {
    expect(String(thrown(() => Signer.fromEnv('HLX_TEST_KEY', {})))).toMatch(/HLX_TEST_KEY is not set/);
    const e = thrown(() => Signer.fromEnv('HLX_TEST_KEY', { HLX_TEST_KEY: KEY + 'ff' }));
    expect(String(e)).toMatch(/HLX_TEST_KEY: not a private key/);
    expectNoKey(errorText(e));
    expect(Signer.fromEnv('HLX_TEST_KEY', { HLX_TEST_KEY: KEY }).address).toBe(ADDRESS);
  });

  test('fromKeystore: decrypts, and a wrong password or corrupt file throws without key or password', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hlx-keystore-'));
    const file = path.join(dir, 'key.json');
    // a cheap scrypt cost keeps the test fast; the format is the standard v3 keystore
    writeFileSync(file, await encryptKeystoreJson({ address: ADDRESS, privateKey: KEY }, 'correct horse', { scrypt: { N: 1024 } }));
    expect((await Signer.fromKeystore(file, 'correct horse')).address).toBe(ADDRESS);

    const wrong = await thrownAsync(() => Signer.fromKeystore(file, 'battery staple'));
    expect(wrong).toBeInstanceOf(SignerError);
    expect(String(wrong)).toMatch(/wrong password/);
    expect(errorText(wrong)).not.toContain('battery staple');
    expectNoKey(errorText(wrong));

    writeFileSync(path.join(dir, 'bad.json'), '{"not":"a keystore"}');
    expect(String(await thrownAsync(() => Signer.fromKeystore(path.join(dir, 'bad.json'), 'x')))).toMatch(/not a valid encrypted JSON keystore/);
    expect(String(await thrownAsync(() => Signer.fromKeystore(path.join(dir, 'missing.json'), 'x')))).toMatch(/cannot read \(ENOENT\)/);
  });
});
