/**
 * The venue's nonce rules, per signer (the key that signed — an agent has its own set):
 * a nonce must be unused, larger than the smallest of the 100 highest nonces seen, and inside
 * (now − 2 days, now + 1 day). hyperliquid.md §2.7.
 */
const KEEP = 100;
const PAST_MS = 2 * 24 * 3600 * 1000;
const FUTURE_MS = 24 * 3600 * 1000;

export class NonceBook {
  /** signer → ascending list of its highest nonces (at most KEEP) */
  private readonly seen = new Map<string, number[]>();

  /** `null` when acceptable (and records it), else the venue's error text. */
  use(signer: string, nonce: number, now: number): string | null {
    if (!Number.isSafeInteger(nonce) || nonce <= now - PAST_MS) return `Invalid nonce: nonce too low ${nonce} < ${now - PAST_MS}`;
    if (nonce >= now + FUTURE_MS) return `Invalid nonce: nonce too high ${nonce} > ${now + FUTURE_MS}`;
    const key = signer.toLowerCase();
    let list = this.seen.get(key);
    if (!list) {
      list = [];
      this.seen.set(key, list);
    }
    // binary search for the insertion point
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid] < nonce) lo = mid + 1;
      else hi = mid;
    }
    if (list[lo] === nonce) return `Invalid nonce: duplicate nonce ${nonce}`;
    if (list.length >= KEEP && nonce < list[0]) return `Invalid nonce: nonce too low ${nonce} < ${list[0]}`;
    list.splice(lo, 0, nonce);
    if (list.length > KEEP) list.shift();
    return null;
  }
}
