/**
 * Exact fixed-point decimals as bigint, for the O(1) exposure sums the gates read.
 * Prices and sizes are held at 10^-8 (SCALE); a price × size product is at 10^-16 (NOTIONAL_SCALE).
 * No binary floats touch money here (SPEC: money is decimal).
 */
export const DECIMALS = 8;
export const SCALE = 100_000_000n;
export const NOTIONAL_SCALE = SCALE * SCALE;

const POW10: bigint[] = Array.from({ length: DECIMALS + 1 }, (_, i) => 10n ** BigInt(i));

/**
 * Parse a non-negative decimal string ("12", "0.25") to fixed-point at 10^-8.
 * Returns null for anything else (signs, exponents, spaces, "1.", ".5"). Extra digits past 8
 * decimals are handled per `extra`: 'reject' (null), 'up' (conservative for marks), 'down'.
 * Hand-rolled (no regex): it runs on every signal.
 */
export function parseFixed(s: string, extra: 'reject' | 'up' | 'down' = 'reject'): bigint | null {
  const n = s.length;
  if (n === 0 || n > 64) return null;
  let dot = -1;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (dot >= 0 || i === 0 || i === n - 1) return null;
      dot = i;
    } else if (c < 48 || c > 57) return null;
  }
  if (dot < 0) return toBig(s) * POW10[DECIMALS];
  const fracLen = n - dot - 1;
  const intPart = s.slice(0, dot);
  if (fracLen <= DECIMALS) return toBig(intPart + s.slice(dot + 1)) * POW10[DECIMALS - fracLen];
  if (extra === 'reject') return null;
  const kept = toBig(intPart + s.slice(dot + 1, dot + 1 + DECIMALS));
  if (extra === 'up') {
    for (let i = dot + 1 + DECIMALS; i < n; i++) if (s.charCodeAt(i) !== 48) return kept + 1n;
  }
  return kept;
}

/** digits → bigint; ≤ 15 digits go through an exact double (much cheaper than BigInt(string)) */
function toBig(digits: string): bigint {
  return digits.length <= 15 ? BigInt(parseInt(digits, 10)) : BigInt(digits);
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
