/**
 * zod schemas for the `/info` requests an executor makes and the venue's responses
 * (hyperliquid.md §5, §1.3). Decimal values stay strings exactly as the venue sent them: they are
 * validated as decimal text and never turned into JS numbers here.
 *
 * Response objects are "loose": the venue adds fields without notice, so unknown keys are kept
 * rather than rejected; the fields we rely on are required and typed.
 */
import { z } from 'zod';

// ---------------------------------------------------------------- primitives

/** A decimal as wire text (`"97000.5"`, `"-0.01"`, `"0.0"`); never exponent notation. */
export const decimalString = z.string().regex(/^-?\d+(\.\d+)?$/, 'expected a decimal string');
export const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'expected a 0x address (40 hex)');
export const cloidString = z.string().regex(/^0x[0-9a-fA-F]{32}$/, 'expected a 0x cloid (32 hex)');
export const side = z.enum(['B', 'A']);
const nonNegInt = z.number().int().nonnegative();
const dex = z.string().optional();

// ---------------------------------------------------------------- requests

export const metaRequest = z.object({ type: z.literal('meta'), dex });
export const metaAndAssetCtxsRequest = z.object({ type: z.literal('metaAndAssetCtxs'), dex });
export const clearinghouseStateRequest = z.object({ type: z.literal('clearinghouseState'), user: address, dex });
export const openOrdersRequest = z.object({ type: z.literal('openOrders'), user: address, dex });
export const frontendOpenOrdersRequest = z.object({ type: z.literal('frontendOpenOrders'), user: address, dex });
export const orderStatusRequest = z.object({
  type: z.literal('orderStatus'),
  user: address,
  oid: z.union([nonNegInt, cloidString]),
});
export const userFillsRequest = z.object({
  type: z.literal('userFills'),
  user: address,
  aggregateByTime: z.boolean().optional(),
});
export const userFillsByTimeRequest = z.object({
  type: z.literal('userFillsByTime'),
  user: address,
  startTime: nonNegInt,
  endTime: nonNegInt.optional(),
  aggregateByTime: z.boolean().optional(),
});
export const allMidsRequest = z.object({ type: z.literal('allMids'), dex });
export const l2BookRequest = z.object({
  type: z.literal('l2Book'),
  coin: z.string().min(1),
  nSigFigs: z.union([z.literal(2), z.literal(3), z.literal(4), z.literal(5), z.null()]).optional(),
  mantissa: z.union([z.literal(1), z.literal(2), z.literal(5), z.null()]).optional(),
});

export const infoRequest = z.discriminatedUnion('type', [
  metaRequest,
  metaAndAssetCtxsRequest,
  clearinghouseStateRequest,
  openOrdersRequest,
  frontendOpenOrdersRequest,
  orderStatusRequest,
  userFillsRequest,
  userFillsByTimeRequest,
  allMidsRequest,
  l2BookRequest,
]);
export type InfoRequest = z.infer<typeof infoRequest>;
export type InfoRequestType = InfoRequest['type'];

// ---------------------------------------------------------------- responses

export const universeAsset = z.looseObject({
  name: z.string().min(1),
  szDecimals: z.number().int().min(0).max(8),
  maxLeverage: z.number().positive(),
  onlyIsolated: z.boolean().optional(),
  isDelisted: z.boolean().optional(),
  marginMode: z.string().optional(),
});
export const metaResponse = z.looseObject({
  universe: z.array(universeAsset),
  marginTables: z.unknown().optional(),
});
export type Meta = z.infer<typeof metaResponse>;

/** Per-asset context; index = universe index. midPx/premium/impactPxs are null on an empty book. */
export const perpAssetCtx = z.looseObject({
  markPx: decimalString,
  oraclePx: decimalString,
  midPx: decimalString.nullable().optional(),
  funding: decimalString.optional(),
  openInterest: decimalString.optional(),
  premium: decimalString.nullable().optional(),
  impactPxs: z.array(decimalString).nullable().optional(),
  dayNtlVlm: decimalString.optional(),
  prevDayPx: decimalString.optional(),
});
export type PerpAssetCtx = z.infer<typeof perpAssetCtx>;
export const metaAndAssetCtxsResponse = z.tuple([metaResponse, z.array(perpAssetCtx)]);
export type MetaAndAssetCtxs = z.infer<typeof metaAndAssetCtxsResponse>;

export const leverage = z.looseObject({
  type: z.enum(['cross', 'isolated']),
  value: z.number(),
  rawUsd: decimalString.optional(),
});
export const position = z.looseObject({
  coin: z.string().min(1),
  /** signed size: > 0 long, < 0 short */
  szi: decimalString,
  entryPx: decimalString.nullable().optional(),
  positionValue: decimalString.optional(),
  unrealizedPnl: decimalString.optional(),
  returnOnEquity: decimalString.optional(),
  liquidationPx: decimalString.nullable().optional(),
  marginUsed: decimalString.optional(),
  maxLeverage: z.number().optional(),
  leverage: leverage.optional(),
  cumFunding: z
    .looseObject({ allTime: decimalString, sinceOpen: decimalString, sinceChange: decimalString.optional() })
    .optional(),
});
export const assetPosition = z.looseObject({ type: z.string(), position });
export const marginSummary = z.looseObject({
  accountValue: decimalString,
  totalNtlPos: decimalString,
  totalRawUsd: decimalString,
  totalMarginUsed: decimalString,
});
export const clearinghouseStateResponse = z.looseObject({
  assetPositions: z.array(assetPosition),
  marginSummary,
  crossMarginSummary: marginSummary.optional(),
  crossMaintenanceMarginUsed: decimalString.optional(),
  withdrawable: decimalString,
  time: nonNegInt.optional(),
});
export type ClearinghouseState = z.infer<typeof clearinghouseStateResponse>;

export const openOrder = z.looseObject({
  coin: z.string().min(1),
  side,
  limitPx: decimalString,
  /** remaining size */
  sz: decimalString,
  oid: nonNegInt,
  timestamp: nonNegInt,
  origSz: decimalString.optional(),
  cloid: cloidString.nullable().optional(),
  reduceOnly: z.boolean().optional(),
});
export type OpenOrder = z.infer<typeof openOrder>;
export const openOrdersResponse = z.array(openOrder);

export const frontendOpenOrder = openOrder.extend({
  isPositionTpsl: z.boolean().optional(),
  isTrigger: z.boolean().optional(),
  orderType: z.string().optional(),
  triggerCondition: z.string().optional(),
  triggerPx: decimalString.optional(),
  tif: z.string().nullable().optional(),
  children: z.array(z.unknown()).optional(),
});
export type FrontendOpenOrder = z.infer<typeof frontendOpenOrder>;
export const frontendOpenOrdersResponse = z.array(frontendOpenOrder);

/** The orderStatus strings (open, filled, canceled, …Rejected, …Canceled); kept open-ended. */
export const orderStatusString = z.string().min(1);
export const orderStatusResponse = z.discriminatedUnion('status', [
  z.looseObject({
    status: z.literal('order'),
    order: z.looseObject({
      order: frontendOpenOrder,
      status: orderStatusString,
      statusTimestamp: nonNegInt,
    }),
  }),
  z.looseObject({ status: z.literal('unknownOid') }),
]);
export type OrderStatusResponse = z.infer<typeof orderStatusResponse>;

/** WsFill and the userFills rows share this shape. */
export const fill = z.looseObject({
  coin: z.string().min(1),
  px: decimalString,
  sz: decimalString,
  side,
  time: nonNegInt,
  startPosition: decimalString,
  dir: z.string(),
  closedPnl: decimalString,
  hash: z.string(),
  oid: nonNegInt,
  crossed: z.boolean(),
  /** negative = rebate; includes builderFee */
  fee: decimalString,
  /** (coin, tid) identifies a fill */
  tid: nonNegInt,
  feeToken: z.string().optional(),
  builderFee: decimalString.optional(),
  cloid: cloidString.nullable().optional(),
  liquidation: z.unknown().optional(),
});
export type Fill = z.infer<typeof fill>;
export const userFillsResponse = z.array(fill);

export const allMidsResponse = z.record(z.string(), decimalString);
export type AllMids = z.infer<typeof allMidsResponse>;

export const bookLevel = z.looseObject({ px: decimalString, sz: decimalString, n: nonNegInt });
export type BookLevel = z.infer<typeof bookLevel>;
export const l2BookResponse = z.looseObject({
  coin: z.string().min(1),
  time: nonNegInt,
  levels: z.tuple([z.array(bookLevel), z.array(bookLevel)]),
});
export type L2Book = z.infer<typeof l2BookResponse>;

/** Response schema per request type (used by HttpClient.info and WS post type "info"). */
export const infoResponseSchemas = {
  meta: metaResponse,
  metaAndAssetCtxs: metaAndAssetCtxsResponse,
  clearinghouseState: clearinghouseStateResponse,
  openOrders: openOrdersResponse,
  frontendOpenOrders: frontendOpenOrdersResponse,
  orderStatus: orderStatusResponse,
  userFills: userFillsResponse,
  userFillsByTime: userFillsResponse,
  allMids: allMidsResponse,
  l2Book: l2BookResponse,
} as const satisfies Record<InfoRequestType, z.ZodType>;

export type InfoResponseFor<T extends InfoRequestType> = z.infer<(typeof infoResponseSchemas)[T]>;
