/**
 * Nonces for one signer (hyperliquid.md §2.7): the venue keeps the 100 highest nonces per signer
 * and refuses a reused one or one not above the smallest kept, so two requests stamped in the
 * same millisecond would lose one (the ccxt / Python SDK bug). next() returns the current time in
 * ms, or last + 1 when the clock has not moved past the last nonce — strictly increasing and
 * never far from wall time (the venue accepts T−2 days … T+1 day).
 *
 * Use ONE manager per signing key in a process: two managers for the same key can collide.
 */
export class NonceManager {
  private last: number;

  constructor(private readonly now: () => number = Date.now, start = 0) {
    this.last = start;
  }

  next(): number {
    const t = Math.floor(this.now());
    this.last = t > this.last ? t : this.last + 1;
    return this.last;
  }

  /** The last nonce handed out (0 before the first). */
  peek(): number {
    return this.last;
  }

  /** Never hand out a nonce at or below `n` (e.g. one seen from a previous run of this key). */
  observe(n: number): void {
    if (Number.isSafeInteger(n) && n > this.last) this.last = n;
  }
}
