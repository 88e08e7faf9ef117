/**
 * The process's signing identity. The private key lives only inside an ethers SigningKey held in
 * a module-private WeakMap: it is not a property of the Signer, so JSON.stringify, util.inspect
 * (even with showHidden), structured logging and Temporal payload conversion can only ever see
 * the address. Errors about a bad key or keystore never quote the input.
 */
import { readFile } from 'node:fs/promises';
import { inspect } from 'node:util';
import { SigningKey, Wallet, computeAddress } from 'ethers';
import {
  recoverL1Signer,
  signL1Action,
  signUserSignedAction,
  type L1Opts,
  type Signature,
  type UserSignedActionLike,
  type UserSignedTypes,
} from './signing';

/** A key could not be loaded. The message names the source, never the key or password. */
export class SignerError extends Error {
  override name = 'SignerError';
}

const KEYS = new WeakMap<Signer, SigningKey>();
const PRIVATE_KEY_RE = /^(0x)?[0-9a-fA-F]{64}$/;
// secp256k1 group order: a valid private key is in [1, n-1]
const CURVE_N = BigInt('0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141');

function keyFrom(hex: unknown, source: string): SigningKey {
  if (typeof hex !== 'string') throw new SignerError(`${source}: missing private key`);
  const h = hex.trim();
  if (!PRIVATE_KEY_RE.test(h)) throw new SignerError(`${source}: not a private key (expected 64 hex digits, optionally 0x-prefixed)`);
  const withPrefix = h.startsWith('0x') ? h : '0x' + h;
  const n = BigInt(withPrefix);
  if (n === BigInt(0) || n >= CURVE_N) throw new SignerError(`${source}: not a valid secp256k1 private key (out of range)`);
  try {
    return new SigningKey(withPrefix);
  } catch {
    // ethers' own error could carry the argument; replace it
    throw new SignerError(`${source}: not a valid secp256k1 private key`);
  }
}

export class Signer {
  /** checksummed address of the key */
  readonly address: string;

  private constructor(key: SigningKey) {
    KEYS.set(this, key);
    this.address = computeAddress(key.publicKey);
  }

  static fromPrivateKey(hex: string): Signer {
    return new Signer(keyFrom(hex, 'private key'));
  }

  /** Reads the key from an environment variable (default HL_PRIVATE_KEY). */
  static fromEnv(varName = 'HL_PRIVATE_KEY', env: NodeJS.ProcessEnv = process.env): Signer {
    const v = env[varName];
    if (v === undefined || v === '') throw new SignerError(`${varName} is not set`);
    return new Signer(keyFrom(v, varName));
  }

  /** Decrypts an encrypted JSON keystore (scrypt/pbkdf2, as written by ethers, geth, MetaMask). */
  static async fromKeystore(path: string, password: string): Promise<Signer> {
    let json: string;
    try {
      json = await readFile(path, 'utf8');
    } catch (e) {
      throw new SignerError(`keystore ${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    let wallet;
    try {
      wallet = await Wallet.fromEncryptedJson(json, password);
    } catch {
      throw new SignerError(`keystore ${path}: wrong password or not a valid encrypted JSON keystore`);
    }
    return new Signer(keyFrom(wallet.privateKey, `keystore ${path}`));
  }

  private key(): SigningKey {
    const k = KEYS.get(this);
    if (!k) throw new SignerError('signer has no key');
    return k;
  }

  signL1(action: unknown, nonce: number, opts: L1Opts): Signature {
    return signL1Action(this.key(), action, nonce, opts);
  }

  signUserSigned(action: UserSignedActionLike, types: UserSignedTypes): Signature {
    return signUserSignedAction(this.key(), action, types);
  }

  /** True when the venue would recover this signer's address from the signed L1 action. */
  verifyL1(action: unknown, nonce: number, opts: L1Opts, sig: Signature): boolean {
    return recoverL1Signer(action, nonce, opts, sig) === this.address;
  }

  toJSON(): { address: string; privateKey: '[REDACTED]' } {
    return { address: this.address, privateKey: '[REDACTED]' };
  }

  toString(): string {
    return `Signer(${this.address}, privateKey=[REDACTED])`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

export interface ExchangeRequestOpts {
  vaultAddress?: string | null;
  expiresAfter?: number | null;
}

/** The /exchange body. Unused optional keys are left out (not sent as null). */
export function buildExchangeRequest<A>(
  action: A,
  nonce: number,
  signature: Signature,
  opts: ExchangeRequestOpts = {},
): { action: A; nonce: number; signature: Signature; vaultAddress?: string; expiresAfter?: number } {
  const body: { action: A; nonce: number; signature: Signature; vaultAddress?: string; expiresAfter?: number } = { action, nonce, signature };
  if (opts.vaultAddress !== undefined && opts.vaultAddress !== null) body.vaultAddress = opts.vaultAddress.toLowerCase();
  if (opts.expiresAfter !== undefined && opts.expiresAfter !== null) body.expiresAfter = opts.expiresAfter;
  return body;
}
