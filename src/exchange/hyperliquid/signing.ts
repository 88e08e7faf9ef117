/**
 * Hyperliquid signing (hyperliquid.md §3).
 *
 * L1 actions (order, cancel, …): connectionId = keccak256(msgpack(action) ‖ nonce u64 BE ‖
 * vault flag [‖ 20-byte vault] [‖ 0x00 ‖ expiresAfter u64 BE]), then an EIP-712 "phantom agent"
 * `Agent{source, connectionId}` on the `Exchange` domain (chainId 1337, verifyingContract 0x0),
 * source 'a' on mainnet and 'b' on testnet.
 *
 * User-signed actions (usdSend, withdraw3, approveAgent) sign their fields directly on the
 * `HyperliquidSignTransaction` domain whose chainId is the action's signatureChainId.
 *
 * The L1 path is on the order hot path, so the EIP-712 domain separator, the Agent type hash and
 * keccak('a'/'b') are computed once; each signature costs three keccaks (bytes in, bytes out,
 * ./keccak.ts) and one secp256k1 sign (libsecp256k1 where its prebuilt addon loads, ./secp256k1.ts)
 * — no generic typed-data encoding and no hex round trips per call. A test checks the fast digest
 * against ethers' TypedDataEncoder.
 */
import { BaseWallet, SigningKey, TypedDataEncoder, getBytes, keccak256, toUtf8Bytes, type TypedDataField } from 'ethers';
import { WireFormatError } from './format';
import { keccak256Bytes, keccak256Hex } from './keccak';
import { encodeMsgpackShared } from './msgpack';
import { secp256k1 } from './secp256k1';

/** An ECDSA signature as the venue's JSON carries it. */
export interface Signature {
  /** 0x + 64 hex (zero-padded) */
  r: string;
  /** 0x + 64 hex (zero-padded, low-s) */
  s: string;
  v: number;
}

export interface L1Opts {
  isMainnet: boolean;
  vaultAddress?: string | null;
  expiresAfter?: number | null;
}

export type SignerKey = BaseWallet | SigningKey;

const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000';
export const EXCHANGE_DOMAIN = { name: 'Exchange', version: '1', chainId: 1337, verifyingContract: ZERO_ADDRESS } as const;
export const AGENT_TYPES: Record<string, TypedDataField[]> = {
  Agent: [
    { name: 'source', type: 'string' },
    { name: 'connectionId', type: 'bytes32' },
  ],
};

const EXCHANGE_DOMAIN_SEPARATOR = getBytes(TypedDataEncoder.hashDomain(EXCHANGE_DOMAIN));
const AGENT_TYPE_HASH = getBytes(keccak256(toUtf8Bytes('Agent(string source,bytes32 connectionId)')));
const SOURCE_HASH = { a: getBytes(keccak256(toUtf8Bytes('a'))), b: getBytes(keccak256(toUtf8Bytes('b'))) };
const HEX_ADDRESS_RE = /^0x[0-9a-fA-F]{40}$/;

/** Exposed for tests: the precomputed pieces of the L1 digest. */
export const l1Constants = {
  domainSeparator: () => '0x' + Buffer.from(EXCHANGE_DOMAIN_SEPARATOR).toString('hex'),
  agentTypeHash: () => '0x' + Buffer.from(AGENT_TYPE_HASH).toString('hex'),
};

function checkNonce(n: unknown, field: string): number {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw new WireFormatError(field, `must be a non-negative safe integer, got ${JSON.stringify(n) ?? String(n)}`);
  return n;
}

function writeU64(buf: Uint8Array, at: number, n: number): void {
  // n is a safe integer (< 2^53): split into two u32 halves without BigInt
  const hi = Math.floor(n / 0x100000000);
  const lo = n >>> 0;
  buf[at] = hi >>> 24;
  buf[at + 1] = (hi >>> 16) & 0xff;
  buf[at + 2] = (hi >>> 8) & 0xff;
  buf[at + 3] = hi & 0xff;
  buf[at + 4] = lo >>> 24;
  buf[at + 5] = (lo >>> 16) & 0xff;
  buf[at + 6] = (lo >>> 8) & 0xff;
  buf[at + 7] = lo & 0xff;
}

/** The exact bytes whose keccak is the connection id (exported for the CLI and tests). */
export function actionHashPreimage(action: unknown, nonce: number, vaultAddress?: string | null, expiresAfter?: number | null): Uint8Array {
  checkNonce(nonce, 'nonce');
  const hasVault = vaultAddress !== undefined && vaultAddress !== null;
  if (hasVault && (typeof vaultAddress !== 'string' || !HEX_ADDRESS_RE.test(vaultAddress))) {
    throw new WireFormatError('vaultAddress', 'must be a 0x-prefixed 20-byte hex address');
  }
  const hasExpiry = expiresAfter !== undefined && expiresAfter !== null;
  if (hasExpiry) checkNonce(expiresAfter, 'expiresAfter');
  const body = encodeMsgpackShared(action);
  const buf = new Uint8Array(body.length + 8 + (hasVault ? 21 : 1) + (hasExpiry ? 9 : 0));
  buf.set(body, 0);
  let at = body.length;
  writeU64(buf, at, nonce);
  at += 8;
  if (hasVault) {
    buf[at++] = 1;
    buf.set(Buffer.from((vaultAddress as string).slice(2), 'hex'), at);
    at += 20;
  } else {
    buf[at++] = 0;
  }
  if (hasExpiry) {
    buf[at++] = 0; // the expiresAfter marker is 0x00, not 0x01 (hyperliquid.md §3.1 step 4)
    writeU64(buf, at, expiresAfter as number);
  }
  return buf;
}

/** connectionId = keccak256 of the preimage, as 0x + 64 hex. */
export function actionHash(action: unknown, nonce: number, vaultAddress?: string | null, expiresAfter?: number | null): string {
  return keccak256Hex(actionHashPreimage(action, nonce, vaultAddress, expiresAfter));
}

/** The EIP-712 typed data of the phantom agent (what a generic wallet would sign). */
export function l1TypedData(hash: string, isMainnet: boolean) {
  return {
    domain: { ...EXCHANGE_DOMAIN },
    types: AGENT_TYPES,
    primaryType: 'Agent' as const,
    message: { source: isMainnet ? 'a' : 'b', connectionId: hash },
  };
}

// Reused scratch buffers: signing is synchronous, so no two calls interleave.
const structBuf = new Uint8Array(96);
structBuf.set(AGENT_TYPE_HASH, 0);
const digestBuf = new Uint8Array(66);
digestBuf[0] = 0x19;
digestBuf[1] = 0x01;
digestBuf.set(EXCHANGE_DOMAIN_SEPARATOR, 2);

function l1DigestBytes(conn: Uint8Array, isMainnet: boolean): Uint8Array {
  if (conn.length !== 32) throw new WireFormatError('connectionId', 'must be 32 bytes');
  structBuf.set(isMainnet ? SOURCE_HASH.a : SOURCE_HASH.b, 32);
  structBuf.set(conn, 64);
  digestBuf.set(keccak256Bytes(structBuf), 34);
  return keccak256Bytes(digestBuf);
}

/** The EIP-712 digest of Agent{source, connectionId} on the Exchange domain. */
export function l1Digest(connectionId: string | Uint8Array, isMainnet: boolean): string {
  const conn = typeof connectionId === 'string' ? getBytes(connectionId) : connectionId;
  return '0x' + Buffer.from(l1DigestBytes(conn, isMainnet)).toString('hex');
}

function l1DigestOf(action: unknown, nonce: number, opts: L1Opts): Uint8Array {
  return l1DigestBytes(keccak256Bytes(actionHashPreimage(action, nonce, opts.vaultAddress, opts.expiresAfter)), opts.isMainnet);
}

function signingKeyOf(wallet: SignerKey): SigningKey {
  if (wallet instanceof SigningKey) return wallet;
  if (wallet instanceof BaseWallet) return wallet.signingKey;
  throw new TypeError('wallet must be an ethers BaseWallet or SigningKey');
}

function signDigest(key: SigningKey, digest: string | Uint8Array): Signature {
  return secp256k1.sign(key, typeof digest === 'string' ? getBytes(digest) : digest);
}

function checkOpts(opts: L1Opts): void {
  if (opts === null || typeof opts !== 'object' || typeof opts.isMainnet !== 'boolean') throw new WireFormatError('isMainnet', 'must be a boolean');
}

/** Signs an L1 action exactly as given (key order included; build it with actions.ts or canonical.ts). */
export function signL1Action(wallet: SignerKey, action: unknown, nonce: number, opts: L1Opts): Signature {
  checkOpts(opts);
  return signDigest(signingKeyOf(wallet), l1DigestOf(action, nonce, opts));
}

function checkSignature(sig: Signature): void {
  if (sig === null || typeof sig !== 'object') throw new WireFormatError('signature', 'must be an object {r, s, v}');
  if (typeof sig.r !== 'string' || !/^0x[0-9a-fA-F]{1,64}$/.test(sig.r)) throw new WireFormatError('signature.r', 'must be 0x-prefixed hex of at most 32 bytes');
  if (typeof sig.s !== 'string' || !/^0x[0-9a-fA-F]{1,64}$/.test(sig.s)) throw new WireFormatError('signature.s', 'must be 0x-prefixed hex of at most 32 bytes');
  if (sig.v !== 27 && sig.v !== 28) throw new WireFormatError('signature.v', 'must be 27 or 28');
}

/** r/s may come without leading zeros (the Python SDK prints them that way). */
function pad32(h: string): string {
  return '0x' + h.slice(2).padStart(64, '0');
}

function recoverFromDigest(digest: string | Uint8Array, sig: Signature): string {
  checkSignature(sig);
  try {
    return secp256k1.recoverAddress(typeof digest === 'string' ? getBytes(digest) : digest, { r: pad32(sig.r), s: pad32(sig.s), v: sig.v });
  } catch (e) {
    throw new WireFormatError('signature', `does not recover to any address (${e instanceof Error ? e.message.split(' (')[0] : String(e)})`);
  }
}

/** The checksummed address the venue recovers from this action, nonce and signature. */
export function recoverL1Signer(action: unknown, nonce: number, opts: L1Opts, sig: Signature): string {
  checkOpts(opts);
  return recoverFromDigest(l1DigestOf(action, nonce, opts), sig);
}

// ---------------------------------------------------------------------------------------------
// User-signed actions

export type UserSignedTypes = Record<string, TypedDataField[]>;

export const USD_SEND_TYPES: UserSignedTypes = {
  'HyperliquidTransaction:UsdSend': [
    { name: 'hyperliquidChain', type: 'string' },
    { name: 'destination', type: 'string' },
    { name: 'amount', type: 'string' },
    { name: 'time', type: 'uint64' },
  ],
};
export const WITHDRAW_TYPES: UserSignedTypes = {
  'HyperliquidTransaction:Withdraw': [
    { name: 'hyperliquidChain', type: 'string' },
    { name: 'destination', type: 'string' },
    { name: 'amount', type: 'string' },
    { name: 'time', type: 'uint64' },
  ],
};
export const APPROVE_AGENT_TYPES: UserSignedTypes = {
  'HyperliquidTransaction:ApproveAgent': [
    { name: 'hyperliquidChain', type: 'string' },
    { name: 'agentAddress', type: 'address' },
    { name: 'agentName', type: 'string' },
    { name: 'nonce', type: 'uint64' },
  ],
};
export const APPROVE_BUILDER_FEE_TYPES: UserSignedTypes = {
  'HyperliquidTransaction:ApproveBuilderFee': [
    { name: 'hyperliquidChain', type: 'string' },
    { name: 'maxFeeRate', type: 'string' },
    { name: 'builder', type: 'address' },
    { name: 'nonce', type: 'uint64' },
  ],
};

/** EIP-712 types per user-signed action type. */
export const USER_SIGNED_TYPES: Record<string, UserSignedTypes> = {
  usdSend: USD_SEND_TYPES,
  withdraw3: WITHDRAW_TYPES,
  approveAgent: APPROVE_AGENT_TYPES,
  approveBuilderFee: APPROVE_BUILDER_FEE_TYPES,
};

/** Any user-signed action object: its other fields are whatever its EIP-712 types name. */
export interface UserSignedActionLike {
  signatureChainId: string;
  hyperliquidChain: string;
  [field: string]: unknown;
}

export function userSignedDomain(signatureChainId: string) {
  if (typeof signatureChainId !== 'string' || !/^0x[0-9a-fA-F]+$/.test(signatureChainId)) {
    throw new WireFormatError('signatureChainId', 'must be a 0x-prefixed hex chain id');
  }
  return { name: 'HyperliquidSignTransaction', version: '1', chainId: BigInt(signatureChainId), verifyingContract: ZERO_ADDRESS };
}

/** The EIP-712 digest of a user-signed action (fields not in `types`, like `type`, are ignored). */
export function userSignedDigest(action: UserSignedActionLike, types: UserSignedTypes): string {
  if (action === null || typeof action !== 'object') throw new WireFormatError('action', 'must be an object');
  if (action.hyperliquidChain !== 'Mainnet' && action.hyperliquidChain !== 'Testnet') {
    throw new WireFormatError('hyperliquidChain', 'must be Mainnet or Testnet');
  }
  try {
    return TypedDataEncoder.hash(userSignedDomain(action.signatureChainId), types, action as unknown as Record<string, unknown>);
  } catch (e) {
    if (e instanceof WireFormatError) throw e;
    throw new WireFormatError('action', `does not match its EIP-712 types (${e instanceof Error ? e.message.split(' (')[0] : String(e)})`);
  }
}

/** Signs a user-signed action (usdSend, withdraw3, approveAgent, …) with its EIP-712 types. */
export function signUserSignedAction(wallet: SignerKey, action: UserSignedActionLike, types: UserSignedTypes): Signature {
  return signDigest(signingKeyOf(wallet), userSignedDigest(action, types));
}

export function recoverUserSignedSigner(action: UserSignedActionLike, types: UserSignedTypes, sig: Signature): string {
  return recoverFromDigest(userSignedDigest(action, types), sig);
}
