/**
 * The signal a strategy emits (SPEC §1): market, side, size, limit price, time-in-force,
 * reduce-only flag, expected edge. Parsed with zod at the boundary; a bad one becomes
 * `Rejected(InvalidSignal)` naming the field.
 */
import { z } from 'zod';

const Decimal = z.string().regex(/^\d+(\.\d+)?$/, 'a positive decimal string such as "0.01"');

export const SignalSchema = z
  .object({
    market: z.string().min(1).max(32),
    side: z.enum(['buy', 'sell']),
    size: Decimal,
    limitPx: Decimal,
    tif: z.enum(['Gtc', 'Ioc', 'Alo']).default('Gtc'),
    reduceOnly: z.boolean().default(false),
    /** the strategy's expected edge, bps (recorded; Go/No-Go judges the actual edge) */
    expectedEdgeBps: z.number().finite().optional(),
    /** the price the strategy means to get, for slippage; defaults to the mid at acceptance */
    intendedPx: Decimal.optional(),
    /** optional caller-chosen client order id (128-bit hex); generated otherwise */
    cloid: z.string().regex(/^0x[0-9a-f]{32}$/, 'a 0x-prefixed 32-hex-digit lowercase client order id').optional(),
  })
  .strict();

export type Signal = z.output<typeof SignalSchema>;
export type SignalInput = z.input<typeof SignalSchema>;

const DEC_RE = /^\d+(\.\d+)?$/;
const CLOID_RE = /^0x[0-9a-f]{32}$/;
const TIFS = new Set(['Gtc', 'Ioc', 'Alo']);

/**
 * An accept-only shortcut for the common well-formed signal (the hot path parses ~10^6 a second):
 * returns the same output SignalSchema would, or null when it is not sure — the caller then runs
 * SignalSchema itself, which stays the single definition of what is valid and names the field.
 * It never accepts anything SignalSchema rejects (tests/unit/executor/signal.test.ts checks this).
 */
export function fastParseSignal(x: unknown): Signal | null {
  if (typeof x !== 'object' || x === null || Object.getPrototypeOf(x) !== Object.prototype) return null;
  const o = x as Record<string, unknown>;
  let known = 4;
  const { market, side, size, limitPx, tif, reduceOnly, expectedEdgeBps, intendedPx, cloid } = o;
  if (typeof market !== 'string' || market.length < 1 || market.length > 32) return null;
  if (side !== 'buy' && side !== 'sell') return null;
  if (typeof size !== 'string' || !DEC_RE.test(size)) return null;
  if (typeof limitPx !== 'string' || !DEC_RE.test(limitPx)) return null;
  if (tif !== undefined) {
    if (typeof tif !== 'string' || !TIFS.has(tif)) return null;
    known++;
  }
  if (reduceOnly !== undefined) {
    if (typeof reduceOnly !== 'boolean') return null;
    known++;
  }
  if (expectedEdgeBps !== undefined) {
    if (typeof expectedEdgeBps !== 'number' || !Number.isFinite(expectedEdgeBps)) return null;
    known++;
  }
  if (intendedPx !== undefined) {
    if (typeof intendedPx !== 'string' || !DEC_RE.test(intendedPx)) return null;
    known++;
  }
  if (cloid !== undefined) {
    if (typeof cloid !== 'string' || !CLOID_RE.test(cloid)) return null;
    known++;
  }
  // strict: no other own keys (and none of the known ones present-but-undefined, which zod treats differently)
  if (Object.keys(o).length !== known) return null;
  const out: Signal = {
    market,
    side,
    size,
    limitPx,
    tif: (tif as Signal['tif'] | undefined) ?? 'Gtc',
    reduceOnly: (reduceOnly as boolean | undefined) ?? false,
  };
  if (expectedEdgeBps !== undefined) out.expectedEdgeBps = expectedEdgeBps as number;
  if (intendedPx !== undefined) out.intendedPx = intendedPx as string;
  if (cloid !== undefined) out.cloid = cloid as string;
  return out;
}
