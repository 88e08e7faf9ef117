/**
 * Market definitions and the tick/lot grid of the simulated venue.
 * Tick rule (hyperliquid.md §2.6): at most 5 significant figures and at most 6 − szDecimals
 * decimals; integers are always valid. The grid here is only used to build the synthetic book on
 * valid prices; client prices are checked with the foundation's isValidWirePrice.
 */
import { fxOrThrow } from './money';

export interface MarketSpec {
  name: string;
  szDecimals: number;
  maxLeverage: number;
  /** starting mark, wire string */
  startPx: string;
}

export const KNOWN_MARKETS: Record<string, MarketSpec> = {
  BTC: { name: 'BTC', szDecimals: 5, maxLeverage: 40, startPx: '97000' },
  ETH: { name: 'ETH', szDecimals: 4, maxLeverage: 25, startPx: '3600' },
  SOL: { name: 'SOL', szDecimals: 2, maxLeverage: 20, startPx: '240' },
  HYPE: { name: 'HYPE', szDecimals: 2, maxLeverage: 10, startPx: '25' },
  DOGE: { name: 'DOGE', szDecimals: 0, maxLeverage: 10, startPx: '0.35' },
};

export const DEFAULT_MARKETS = ['BTC', 'ETH', 'SOL'];

export interface Market extends MarketSpec {
  /** index in meta.universe = the asset id orders carry */
  asset: number;
  /** 10^(8 − szDecimals): one lot at the 10^-8 scale */
  lot: bigint;
}

export function buildMarkets(names: string[]): Market[] {
  return names.map((raw, asset) => {
    const name = raw.trim().toUpperCase();
    const spec = KNOWN_MARKETS[name];
    if (!spec) throw new Error(`unknown market ${JSON.stringify(raw)}; known: ${Object.keys(KNOWN_MARKETS).join(',')}`);
    fxOrThrow(spec.startPx, `${name}.startPx`);
    return { ...spec, asset, lot: 10n ** BigInt(8 - spec.szDecimals) };
  });
}

const POW10 = Array.from({ length: 20 }, (_, i) => 10n ** BigInt(i));

/** Tick at 10^-8 for a price (10^-8) on this market: 5 significant figures, ≤ 6 − szDecimals decimals. */
export function tickAt(px: bigint, szDecimals: number): bigint {
  if (px <= 0n) return POW10[8 - Math.min(8, 6 - szDecimals)];
  const digits = px.toString().length; // digits of px × 10^8
  const exponent = digits - 1 - 8; // floor(log10(px))
  const decimals = Math.max(0, Math.min(4 - exponent, 6 - szDecimals));
  return POW10[8 - decimals];
}

export function roundToTick(px: bigint, szDecimals: number, dir: 'down' | 'up'): bigint {
  const tick = tickAt(px, szDecimals);
  const r = px % tick;
  if (r === 0n) return px;
  return dir === 'down' ? px - r : px - r + tick;
}

/** Size floor to a whole number of lots. */
export function floorToLot(sz: bigint, lot: bigint): bigint {
  return sz - (sz % lot);
}
