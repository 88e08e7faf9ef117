/**
 * zod schemas for the L1 and user-signed actions we send, the /exchange request body and the
 * /exchange response (hyperliquid.md §2, §6).
 *
 * Action schemas are strict: an unknown key would be hashed by the venue and change the signed
 * bytes, so it is an error, not something to pass through. Wire decimals must already be in
 * canonical spelling (no trailing zeros, no exponent). Schemas validate; key order for hashing
 * comes from the builders in ../actions.ts (canonicalizeAction rebuilds it from JSON).
 *
 * Responses are loose objects: the venue adds fields without notice.
 */
import { z } from 'zod';

const uint = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
/** A positive decimal in canonical wire spelling (`"100"`, `"0.5"`; not `"100.0"`, `"1e3"`, `"0"`). */
export const wireDecimal = z
  .string()
  .regex(/^(0|[1-9]\d*)(\.\d*[1-9])?$/, 'expected a decimal string without trailing zeros or exponent')
  .refine((s) => !/^0(\.0*)?$/.test(s), 'must be greater than zero');
export const cloid = z.string().regex(/^0x[0-9a-f]{32}$/, 'expected 0x + 32 lowercase hex digits');
export const hexAddress = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'expected a 0x-prefixed 20-byte hex address');
export const lowerAddress = z.string().regex(/^0x[0-9a-f]{40}$/, 'expected a lowercase 0x-prefixed 20-byte hex address');
const hex32 = z.string().regex(/^0x[0-9a-fA-F]{1,64}$/, 'expected 0x-prefixed hex of at most 32 bytes');

export const tifSchema = z.enum(['Gtc', 'Ioc', 'Alo']);
export const orderTypeWireSchema = z.union([
  z.strictObject({ limit: z.strictObject({ tif: tifSchema }) }),
  z.strictObject({ trigger: z.strictObject({ isMarket: z.boolean(), triggerPx: wireDecimal, tpsl: z.enum(['tp', 'sl']) }) }),
]);
export const orderWireSchema = z.strictObject({
  a: uint,
  b: z.boolean(),
  p: wireDecimal,
  s: wireDecimal,
  r: z.boolean(),
  t: orderTypeWireSchema,
  c: cloid.optional(),
});
export const groupingSchema = z.union([z.enum(['na', 'normalTpsl', 'positionTpsl']), z.strictObject({ p: uint })]);

export const orderActionSchema = z.strictObject({
  type: z.literal('order'),
  orders: z.array(orderWireSchema).min(1),
  grouping: groupingSchema,
  builder: z.strictObject({ b: lowerAddress, f: uint }).optional(),
});
export const cancelActionSchema = z.strictObject({
  type: z.literal('cancel'),
  cancels: z.array(z.strictObject({ a: uint, o: uint })).min(1),
  f: z.literal(true).optional(),
});
export const cancelByCloidActionSchema = z.strictObject({
  type: z.literal('cancelByCloid'),
  cancels: z.array(z.strictObject({ asset: uint, cloid })).min(1),
  f: z.literal(true).optional(),
});
export const batchModifyActionSchema = z.strictObject({
  type: z.literal('batchModify'),
  modifies: z.array(z.strictObject({ oid: z.union([uint, cloid]), order: orderWireSchema })).min(1),
  a: z.literal(true).optional(),
});
export const scheduleCancelActionSchema = z.strictObject({ type: z.literal('scheduleCancel'), time: uint.optional() });
export const updateLeverageActionSchema = z.strictObject({
  type: z.literal('updateLeverage'),
  asset: uint,
  isCross: z.boolean(),
  leverage: uint.min(1),
});
export const noopActionSchema = z.strictObject({ type: z.literal('noop') });

/** Every L1 (phantom-agent signed) action the executor sends. */
export const l1ActionSchema = z.discriminatedUnion('type', [
  orderActionSchema,
  cancelActionSchema,
  cancelByCloidActionSchema,
  batchModifyActionSchema,
  scheduleCancelActionSchema,
  updateLeverageActionSchema,
  noopActionSchema,
]);

const userSignedBase = {
  signatureChainId: z.string().regex(/^0x[0-9a-f]+$/, 'expected lowercase 0x-prefixed hex chain id'),
  hyperliquidChain: z.enum(['Mainnet', 'Testnet']),
};
export const approveAgentActionSchema = z.strictObject({
  type: z.literal('approveAgent'),
  ...userSignedBase,
  agentAddress: hexAddress,
  agentName: z.string().optional(),
  nonce: uint,
});
export const usdSendActionSchema = z.strictObject({
  type: z.literal('usdSend'),
  ...userSignedBase,
  destination: hexAddress,
  amount: wireDecimal,
  time: uint,
});
export const withdraw3ActionSchema = z.strictObject({
  type: z.literal('withdraw3'),
  ...userSignedBase,
  destination: hexAddress,
  amount: wireDecimal,
  time: uint,
});
/** User-signed (EIP-712 on the HyperliquidSignTransaction domain) actions. */
export const userSignedActionSchema = z.discriminatedUnion('type', [approveAgentActionSchema, usdSendActionSchema, withdraw3ActionSchema]);

export const anyActionSchema = z.discriminatedUnion('type', [...l1ActionSchema.options, ...userSignedActionSchema.options]);

export const signatureSchema = z.strictObject({ r: hex32, s: hex32, v: z.union([z.literal(27), z.literal(28)]) });

/** POST /exchange body (also the WS post `action` payload). Optional keys are omitted, not null. */
export const exchangeRequestSchema = z.strictObject({
  action: anyActionSchema,
  nonce: uint,
  signature: signatureSchema,
  vaultAddress: hexAddress.optional(),
  expiresAfter: uint.optional(),
});

// ---------------------------------------------------------------- responses

const decimalText = z.string().regex(/^-?\d+(\.\d+)?$/, 'expected a decimal string');
export const restingStatusSchema = z.looseObject({ resting: z.looseObject({ oid: uint, cloid: z.string().optional() }) });
export const filledStatusSchema = z.looseObject({
  filled: z.looseObject({ totalSz: decimalText, avgPx: decimalText, oid: uint, cloid: z.string().optional() }),
});
export const errorStatusSchema = z.looseObject({ error: z.string() });
/** One entry of `response.data.statuses`: per order (resting/filled/error/waiting…) or per cancel ("success"/error). */
export const actionStatusSchema = z.union([restingStatusSchema, filledStatusSchema, errorStatusSchema, z.string()]);

export const exchangeOkResponseSchema = z.looseObject({
  status: z.literal('ok'),
  response: z.looseObject({
    type: z.string(),
    data: z
      .looseObject({
        statuses: z.array(actionStatusSchema).optional(),
        status: z.unknown().optional(),
      })
      .optional(),
  }),
});
export const exchangeErrResponseSchema = z.looseObject({ status: z.literal('err'), response: z.string() });
export const exchangeResponseSchema = z.discriminatedUnion('status', [exchangeOkResponseSchema, exchangeErrResponseSchema]);

/**
 * The /exchange body as code passes it around (the hot path's ExchangeRequestLike has the same
 * shape); exchangeRequestSchema is what a received or replayed body is validated with.
 */
export interface ExchangeRequest {
  action: unknown;
  nonce: number;
  signature: { r: string; s: string; v: number };
  vaultAddress?: string | null;
  expiresAfter?: number | null;
}
export type ExchangeRequestParsed = z.infer<typeof exchangeRequestSchema>;
export type ExchangeResponse = z.infer<typeof exchangeResponseSchema>;
export type ActionStatus = z.infer<typeof actionStatusSchema>;
export type L1ActionJson = z.infer<typeof l1ActionSchema>;
