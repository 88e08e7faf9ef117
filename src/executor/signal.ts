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
