/**
 * Exact fixed-point decimals as bigint, for the O(1) exposure sums the gates read.
 * Prices and sizes are held at 10^-8 (SCALE); a price × size product is at 10^-16 (NOTIONAL_SCALE).
 * No binary floats touch money here (SPEC: money is decimal).
 */
export const DECIMALS = 8;
export const SCALE = 100_000_000n;
export const NOTIONAL_SCALE = SCALE * SCALE;

const DEC_RE = /^(\d+)(?:\.(\d+))?$/;

/**
 * Parse a non-negative decimal string to fixed-point at 10^-8.
 * Returns null for anything else. Extra digits past 8 decimals are rounded per `extra`:
 * 'reject' (null), 'up' (conservative for marks), 'down'.
 */
export function parseFixed(s: string, extra: 'reject' | 'up' | 'down' = 'reject'): bigint | null {
  const m = DEC_RE.exec(s);
  if (m === null) return null;
  const frac = m[2] ?? '';
  if (frac.length <= DECIMALS) return BigInt(m[1] + frac.padEnd(DECIMALS, '0'));
  if (extra === 'reject') return null;
  const kept = BigInt(m[1] + frac.slice(0, DECIMALS));
  const rest = frac.slice(DECIMALS);
  return extra === 'up' && /[1-9]/.test(rest) ? kept + 1n : kept;
}

/** Signed decimal string ("-12.5") to fixed-point at 10^-8; null when malformed or too precise. */
export function parseSignedFixed(s: string): bigint | null {
  if (s.startsWith('-')) {
    const v = parseFixed(s.slice(1));
    return v === null ? null : -v;
  }
  return parseFixed(s);
}

/** Number of decimals written in a decimal string ("1.250" → 3). */
export function decimalsOf(s: string): number {
  const i = s.indexOf('.');
  return i < 0 ? 0 : s.length - i - 1;
}

/** Render a fixed-point value at `scale` decimals as a plain decimal string, trailing zeros trimmed. */
export function formatFixed(v: bigint, decimals = DECIMALS): string {
  const neg = v < 0n;
  const a = neg ? -v : v;
  const s = a.toString().padStart(decimals + 1, '0');
  const int = s.slice(0, s.length - decimals);
  const frac = s.slice(s.length - decimals).replace(/0+$/, '');
  return (neg ? '-' : '') + int + (frac ? '.' + frac : '');
}

/** A USD notional (10^-16) rendered as a decimal string. */
export function formatNotional(v: bigint): string {
  return formatFixed(v, DECIMALS * 2);
}

/** A USD limit from config ("250") to notional scale (10^-16). */
export function usdToNotional(usd: string): bigint {
  const v = parseFixed(usd);
  if (v === null) throw new Error(`not a USD amount: ${JSON.stringify(usd)}`);
  return v * SCALE;
}
