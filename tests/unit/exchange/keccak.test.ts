/** Our keccak256 against ethers' on random inputs of every length around the 136-byte block. */
import fc from 'fast-check';
import { keccak256 } from 'ethers';
import { keccak256Bytes, keccak256Hex } from '../../../src/exchange/hyperliquid/keccak';

test('known answers', () => {
  expect(keccak256Hex(new Uint8Array())).toBe('0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470');
  expect(keccak256Hex(new TextEncoder().encode('Agent(string source,bytes32 connectionId)'))).toBe('0x26f05c2f7239b6983075e58321292d77b3aa173d19b27257ac96ab362570f508');
});

test('every length 0..600 (block boundaries at 135/136/137, 271/272/273, …) matches ethers', () => {
  for (let n = 0; n <= 600; n++) {
    const data = new Uint8Array(n).map((_, i) => (i * 31 + n * 7) & 0xff);
    expect(keccak256Hex(data)).toBe(keccak256(data));
  }
});

test('random inputs match ethers, and subarray views hash their own bytes only', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 5000 }), fc.nat({ max: 16 }), (bytes, off) => {
      expect(keccak256Hex(bytes)).toBe(keccak256(bytes));
      const padded = new Uint8Array(bytes.length + off + 3);
      padded.set(bytes, off);
      expect(keccak256Bytes(padded.subarray(off, off + bytes.length))).toEqual(keccak256Bytes(bytes));
    }),
    { numRuns: 500 },
  );
});
