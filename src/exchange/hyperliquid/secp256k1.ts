/**
 * The secp256k1 step of signing and recovery: libsecp256k1 through the `secp256k1` package's
 * N-API addon where a prebuilt binary exists for this platform, ethers (noble-curves) elsewhere.
 *
 * Why: ethers' SigningKey.sign was ~85 % of an L1 signature (bench/RESULTS.md); libsecp256k1 signs
 * ~6× faster and recovers ~30× faster than ethers' recoverAddress. Both produce the same bytes:
 * RFC 6979 deterministic nonces (no extra entropy) and low-s, so the backend is invisible on the
 * wire; tests/unit/exchange/secp256k1.test.ts compares them on random keys, digests and signatures.
 *
 * The addon is loaded from `secp256k1/bindings`, not the package root: the root silently falls
 * back to `elliptic` in pure JS when no binary loads, and we would rather fall back to ethers,
 * which the rest of the signing code already trusts. The package's install script (a node-gyp
 * build where no prebuild exists) stays off (package.json allowScripts): a machine with no
 * prebuild and no compiler gets the ethers path, with the same signatures, only slower.
 */
import { randomBytes } from 'node:crypto';
import { SigningKey, getAddress, getBytes, recoverAddress } from 'ethers';
import { keccak256Bytes } from './keccak';

/** The part of the `secp256k1` package's API used here (it ships no typings). */
interface Libsecp256k1 {
  contextRandomize(seed: Uint8Array): void;
  ecdsaSign(msg32: Uint8Array, seckey: Uint8Array): { signature: Uint8Array; recid: number };
  ecdsaRecover(sig: Uint8Array, recid: number, msg32: Uint8Array, compressed: boolean): Uint8Array;
}

function loadLibsecp256k1(): Libsecp256k1 | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS addon without typings
    const lib = require('secp256k1/bindings') as Libsecp256k1;
    // blinds the context's precomputed tables against timing side channels (libsecp256k1's advice)
    lib.contextRandomize(randomBytes(32));
    return lib;
  } catch {
    return null;
  }
}

const lib = loadLibsecp256k1();

/** Which implementation signs and recovers in this process (for the benchmark and `--version`-like reports). */
export const secp256k1Backend: 'libsecp256k1' | 'ethers' = lib ? 'libsecp256k1' : 'ethers';

/** r, s as 0x + 64 hex; v 27 or 28. */
export interface RawSignature {
  r: string;
  s: string;
  v: number;
}

export interface Secp256k1Impl {
  sign(key: SigningKey, digest: Uint8Array): RawSignature;
  /** checksummed address; throws whatever the ethers path throws on a signature that does not recover */
  recoverAddress(digest: Uint8Array, sig: RawSignature): string;
}

export const ethersImpl: Secp256k1Impl = {
  sign(key, digest) {
    const sig = key.sign(digest);
    return { r: sig.r, s: sig.s, v: sig.v };
  },
  recoverAddress(digest, sig) {
    return recoverAddress(digest, sig);
  },
};

/**
 * Private keys as bytes, by SigningKey, so a signature does not re-parse the key's hex. Held
 * only here (a WeakMap: it dies with the SigningKey, and nothing can enumerate it).
 */
const SECRET_BYTES = new WeakMap<SigningKey, Uint8Array>();

function secretOf(key: SigningKey): Uint8Array {
  let d = SECRET_BYTES.get(key);
  if (!d) {
    d = getBytes(key.privateKey);
    SECRET_BYTES.set(key, d);
  }
  return d;
}

function hex32(b: Uint8Array, at: number): string {
  return '0x' + Buffer.from(b.buffer, b.byteOffset + at, 32).toString('hex');
}

const sigBuf = new Uint8Array(64);

const CURVE_N = BigInt('0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141');

/**
 * RFC 6979 derives the nonce from the digest reduced mod n; this libsecp256k1 feeds the raw 32
 * bytes to its nonce function. The two differ only for a digest ≥ n (a keccak output has a ~2^-128
 * chance of that), where both signatures are valid but not equal: ethers signs those.
 */
function digestAtLeastN(digest: Uint8Array): boolean {
  return digest[0] === 0xff && BigInt('0x' + Buffer.from(digest.buffer, digest.byteOffset, 32).toString('hex')) >= CURVE_N;
}

function libImpl(l: Libsecp256k1): Secp256k1Impl {
  return {
    sign(key, digest) {
      if (digestAtLeastN(digest)) return ethersImpl.sign(key, digest);
      const { signature, recid } = l.ecdsaSign(digest, secretOf(key));
      return { r: hex32(signature, 0), s: hex32(signature, 32), v: 27 + recid };
    },
    recoverAddress(digest, sig) {
      const r = Buffer.from(sig.r.slice(2), 'hex');
      const s = Buffer.from(sig.s.slice(2), 'hex');
      // ethers refuses an s with the top bit set ("non-canonical s") and any malformed field;
      // libsecp256k1 would take the first. Anything but the plain case goes through ethers, so
      // what is accepted, and every error text, stays exactly as before.
      if (r.length !== 32 || s.length !== 32 || s[0] >= 0x80 || (sig.v !== 27 && sig.v !== 28)) return ethersImpl.recoverAddress(digest, sig);
      sigBuf.set(r, 0);
      sigBuf.set(s, 32);
      let pub: Uint8Array;
      try {
        pub = l.ecdsaRecover(sigBuf, sig.v - 27, digest, false);
      } catch {
        return ethersImpl.recoverAddress(digest, sig); // r or s zero or ≥ n, or no curve point: ethers says which
      }
      // address = last 20 bytes of keccak256(uncompressed public key without its 0x04 prefix)
      const h = keccak256Bytes(pub.subarray(1));
      return getAddress('0x' + Buffer.from(h.buffer, h.byteOffset + 12, 20).toString('hex'));
    },
  };
}

/** libsecp256k1 when it loaded, null otherwise (tests compare it with ethersImpl). */
export const libsecp256k1Impl: Secp256k1Impl | null = lib ? libImpl(lib) : null;

/** The implementation signing.ts uses. */
export const secp256k1: Secp256k1Impl = libsecp256k1Impl ?? ethersImpl;
