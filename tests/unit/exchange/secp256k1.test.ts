/**
 * The libsecp256k1 backend must be indistinguishable from ethers: the same RFC 6979 low-s
 * signature for every key and digest, and, for any (r, s, v) a venue or a doctor hands us, the
 * same recovered address or the same error.
 */
import fc from 'fast-check';
import { SigningKey } from 'ethers';
import { ethersImpl, libsecp256k1Impl, secp256k1, secp256k1Backend, type RawSignature } from '../../../src/exchange/hyperliquid/secp256k1';

const N = BigInt('0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141');
const hex32 = (n: bigint) => '0x' + n.toString(16).padStart(64, '0');
const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const privateKey = fc.bigInt({ min: BigInt(1), max: N - BigInt(1) });

/** The secp256k1 package ships prebuilt addons for these; anywhere else the ethers path is expected. */
const PREBUILT = ['linux-x64', 'darwin-arm64', 'win32-x64'].includes(`${process.platform}-${process.arch}`);

function outcome(f: () => string): string {
  try {
    return f();
  } catch (e) {
    return `throws: ${e instanceof Error ? e.message : String(e)}`;
  }
}

test('where the package ships a prebuilt addon, libsecp256k1 is what signs', () => {
  expect(secp256k1Backend).toBe(PREBUILT ? 'libsecp256k1' : 'ethers');
  expect(secp256k1).toBe(PREBUILT ? libsecp256k1Impl : ethersImpl);
});

const lib = libsecp256k1Impl;
// Elsewhere than the prebuilt platforms there is no second implementation to compare with (the
// test above then pins that ethers signs); on this project's machines (linux-x64) this always runs.
if (lib) describe('libsecp256k1 against ethers', () => {
  test('the same signature for random keys and digests', () => {
    fc.assert(
      fc.property(privateKey, bytes32, (d, digest) => {
        const key = new SigningKey(hex32(d));
        const ours = lib!.sign(key, digest);
        expect(ours).toEqual(ethersImpl.sign(key, digest));
        expect(BigInt(ours.s) <= N / BigInt(2)).toBe(true); // low-s
        expect(lib!.recoverAddress(digest, ours)).toBe(ethersImpl.recoverAddress(digest, ours));
      }),
      { numRuns: 300 },
    );
  });

  test('edge keys (1, n−1) and digests (0, n−1, and the ≥ n ones where RFC 6979 reduces the digest first)', () => {
    for (const d of [BigInt(1), BigInt(2), N - BigInt(1)]) {
      const key = new SigningKey(hex32(d));
      for (const h of [BigInt(0), BigInt(1), N - BigInt(1), N, N + BigInt(1), (BigInt(1) << BigInt(256)) - BigInt(1)]) {
        const digest = Buffer.from(hex32(h).slice(2), 'hex');
        expect(lib!.sign(key, digest)).toEqual(ethersImpl.sign(key, digest));
      }
    }
  });

  test('recovery of arbitrary (r, s, v): the same address or the same error', () => {
    const scalar = fc.oneof(
      fc.bigInt({ min: BigInt(0), max: (BigInt(1) << BigInt(256)) - BigInt(1) }),
      fc.constantFrom(BigInt(0), BigInt(1), N / BigInt(2), N / BigInt(2) + BigInt(1), N - BigInt(1), N, N + BigInt(1), BigInt(1) << BigInt(255)),
    );
    fc.assert(
      fc.property(bytes32, scalar, scalar, fc.constantFrom(27, 28), (digest, r, s, v) => {
        const sig: RawSignature = { r: hex32(r), s: hex32(s), v };
        expect(outcome(() => lib!.recoverAddress(digest, sig))).toBe(outcome(() => ethersImpl.recoverAddress(digest, sig)));
      }),
      { numRuns: 500 },
    );
  });

  test('a high-s twin of a valid signature recovers the same way on both', () => {
    const key = new SigningKey('0x' + '11'.repeat(32));
    const digest = new Uint8Array(32).fill(7);
    const sig = lib!.sign(key, digest);
    const twin = { r: sig.r, s: hex32(N - BigInt(sig.s)), v: sig.v === 27 ? 28 : 27 };
    expect(outcome(() => lib!.recoverAddress(digest, twin))).toBe(outcome(() => ethersImpl.recoverAddress(digest, twin)));
  });
});
