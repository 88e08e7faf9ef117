/**
 * zod schemas for the WebSocket protocol (hyperliquid.md §1): the messages we send
 * (subscribe / unsubscribe / post / ping) and every inbound frame an executor consumes.
 *
 * `parseWsFrame(text)` never throws: a malformed or unknown frame comes back as
 * `{ok:false, reason}` so the client can count and log it and carry on.
 */
import { z } from 'zod';
import { formatZodError } from '../../../config/zod-error';
import {
  address,
  bookLevel,
  clearinghouseStateResponse,
  decimalString,
  fill,
  l2BookResponse,
  openOrder,
  perpAssetCtx,
  side,
  cloidString,
} from './info';

const nonNegInt = z.number().int().nonnegative();
const coin = z.string().min(1);

/** The plain-text (not JSON) frame the venue sends right after the socket opens. */
export const GREETING_TEXT = 'Websocket connection established.';

// ---------------------------------------------------------------- subscriptions

export const allMidsSub = z.object({ type: z.literal('allMids'), dex: z.string().optional() });
export const l2BookSub = z.object({
  type: z.literal('l2Book'),
  coin,
  nSigFigs: z.number().int().nullable().optional(),
  mantissa: z.number().int().nullable().optional(),
});
export const bboSub = z.object({ type: z.literal('bbo'), coin });
export const tradesSub = z.object({ type: z.literal('trades'), coin });
export const orderUpdatesSub = z.object({ type: z.literal('orderUpdates'), user: address });
export const userFillsSub = z.object({
  type: z.literal('userFills'),
  user: address,
  aggregateByTime: z.boolean().optional(),
});
export const userEventsSub = z.object({ type: z.literal('userEvents'), user: address });
export const clearinghouseStateSub = z.object({
  type: z.literal('clearinghouseState'),
  user: address,
  dex: z.string().optional(),
});
export const openOrdersSub = z.object({ type: z.literal('openOrders'), user: address, dex: z.string().optional() });
export const activeAssetCtxSub = z.object({ type: z.literal('activeAssetCtx'), coin });

export const subscription = z.discriminatedUnion('type', [
  allMidsSub,
  l2BookSub,
  bboSub,
  tradesSub,
  orderUpdatesSub,
  userFillsSub,
  userEventsSub,
  clearinghouseStateSub,
  openOrdersSub,
  activeAssetCtxSub,
]);
export type Subscription = z.infer<typeof subscription>;
export type SubscriptionType = Subscription['type'];

/** The channel a subscription's data frames arrive on (userEvents → `user`). */
export const CHANNEL_OF: Record<SubscriptionType, DataChannel> = {
  allMids: 'allMids',
  l2Book: 'l2Book',
  bbo: 'bbo',
  trades: 'trades',
  orderUpdates: 'orderUpdates',
  userFills: 'userFills',
  userEvents: 'user',
  clearinghouseState: 'clearinghouseState',
  openOrders: 'openOrders',
  activeAssetCtx: 'activeAssetCtx',
};

/**
 * A stable identity for a subscription: acks echo it back possibly normalized (fields added or
 * dropped), and addresses may change case, so identity = type + the fields that select the feed.
 */
export function subscriptionKey(sub: Subscription): string {
  switch (sub.type) {
    case 'allMids':
      return `allMids:${sub.dex ?? ''}`;
    case 'l2Book':
      return `l2Book:${sub.coin}:${sub.nSigFigs ?? ''}:${sub.mantissa ?? ''}`;
    case 'bbo':
    case 'trades':
    case 'activeAssetCtx':
      return `${sub.type}:${sub.coin}`;
    case 'clearinghouseState':
    case 'openOrders':
      return `${sub.type}:${sub.user.toLowerCase()}:${sub.dex ?? ''}`;
    default:
      return `${sub.type}:${sub.user.toLowerCase()}`;
  }
}

// ---------------------------------------------------------------- outbound

export const subscribeMessage = z.object({ method: z.literal('subscribe'), subscription });
export const unsubscribeMessage = z.object({ method: z.literal('unsubscribe'), subscription });
export const postRequestMessage = z.object({
  method: z.literal('post'),
  id: nonNegInt,
  request: z.object({
    type: z.enum(['info', 'action']),
    /** exactly the HTTP body: `{type,…}` for info, `{action, nonce, signature, …}` for action */
    payload: z.record(z.string(), z.unknown()),
  }),
});
export const pingMessage = z.object({ method: z.literal('ping') });
export const outboundMessage = z.discriminatedUnion('method', [
  subscribeMessage,
  unsubscribeMessage,
  postRequestMessage,
  pingMessage,
]);
export type OutboundMessage = z.infer<typeof outboundMessage>;
export type PostKind = 'info' | 'action';

// ---------------------------------------------------------------- inbound data

export const wsOrder = z.looseObject({
  order: z.looseObject({
    coin,
    side,
    limitPx: decimalString,
    /** remaining size */
    sz: decimalString,
    oid: nonNegInt,
    timestamp: nonNegInt,
    origSz: decimalString,
    cloid: cloidString.nullable().optional(),
    reduceOnly: z.boolean().optional(),
  }),
  status: z.string().min(1),
  statusTimestamp: nonNegInt,
});
export type WsOrder = z.infer<typeof wsOrder>;

export const wsTrade = z.looseObject({
  coin,
  side,
  px: decimalString,
  sz: decimalString,
  hash: z.string(),
  time: nonNegInt,
  tid: nonNegInt,
  users: z.tuple([z.string(), z.string()]).optional(),
});
export type WsTrade = z.infer<typeof wsTrade>;

export const wsBbo = z.looseObject({
  coin,
  time: nonNegInt,
  bbo: z.tuple([bookLevel.nullable(), bookLevel.nullable()]),
});

export const userFillsData = z.looseObject({
  isSnapshot: z.boolean().optional(),
  user: address,
  fills: z.array(fill),
});

export const userFunding = z.looseObject({
  time: nonNegInt.optional(),
  coin,
  usdc: decimalString,
  szi: decimalString,
  fundingRate: decimalString,
});
export const liquidation = z.looseObject({
  lid: nonNegInt.optional(),
  liquidator: z.string().optional(),
  liquidated_user: z.string().optional(),
  liquidated_ntl_pos: decimalString.optional(),
  liquidated_account_value: decimalString.optional(),
});
export const nonUserCancel = z.looseObject({ coin, oid: nonNegInt });

/** Channel `user` (subscription userEvents): exactly one of these keys per frame. */
export const userEventsData = z.union([
  z.looseObject({ fills: z.array(fill) }),
  z.looseObject({ funding: userFunding }),
  z.looseObject({ liquidation }),
  z.looseObject({ nonUserCancel: z.array(nonUserCancel) }),
]);
export type UserEventsData = z.infer<typeof userEventsData>;

export const clearinghouseStateData = z.looseObject({
  dex: z.string().optional(),
  user: address,
  clearinghouseState: clearinghouseStateResponse,
});
export const openOrdersData = z.looseObject({
  dex: z.string().optional(),
  user: address,
  orders: z.array(openOrder),
});
export const activeAssetCtxData = z.looseObject({ coin, ctx: perpAssetCtx });

export const postResponseData = z.looseObject({
  id: nonNegInt,
  response: z.discriminatedUnion('type', [
    z.looseObject({ type: z.literal('info'), payload: z.looseObject({ type: z.string(), data: z.unknown() }) }),
    /** the /exchange response; validated by the exchange response schema at the call site */
    z.looseObject({ type: z.literal('action'), payload: z.unknown() }),
    /** an HTTP-like status text, e.g. `429 Too Many Requests` */
    z.looseObject({ type: z.literal('error'), payload: z.string() }),
  ]),
});
export type PostResponseData = z.infer<typeof postResponseData>;

const frame = <C extends string, D extends z.ZodType>(channel: C, data: D) =>
  z.object({ channel: z.literal(channel), data });

export const wsFrame = z.discriminatedUnion('channel', [
  frame('subscriptionResponse', z.looseObject({ method: z.enum(['subscribe', 'unsubscribe']), subscription: z.unknown() })),
  frame('post', postResponseData),
  z.object({ channel: z.literal('pong') }),
  frame('error', z.string()),
  frame('allMids', z.looseObject({ mids: z.record(z.string(), decimalString), dex: z.string().optional() })),
  frame('l2Book', l2BookResponse),
  frame('bbo', wsBbo),
  frame('trades', z.array(wsTrade)),
  frame('orderUpdates', z.array(wsOrder)),
  frame('userFills', userFillsData),
  frame('user', userEventsData),
  frame('clearinghouseState', clearinghouseStateData),
  frame('openOrders', openOrdersData),
  frame('activeAssetCtx', activeAssetCtxData),
]);
export type WsFrame = z.infer<typeof wsFrame>;
export type WsChannel = WsFrame['channel'];
export type DataChannel = Exclude<WsChannel, 'subscriptionResponse' | 'post' | 'pong' | 'error'>;
export type FrameOf<C extends WsChannel> = Extract<WsFrame, { channel: C }>;
export type DataOf<C extends DataChannel> = FrameOf<C> extends { data: infer D } ? D : never;

const KNOWN_CHANNELS = new Set<string>(wsFrame.options.map((o) => o.shape.channel.value));

export type ParsedFrame =
  | { ok: true; frame: WsFrame }
  | { ok: true; greeting: true }
  | { ok: false; reason: string; channel?: string };

/** Parse one inbound text frame; never throws. */
export function parseWsFrame(text: string): ParsedFrame {
  if (text === GREETING_TEXT) return { ok: true, greeting: true };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { ok: false, reason: 'not a JSON object' };
  const channel = (json as { channel?: unknown }).channel;
  if (typeof channel !== 'string') return { ok: false, reason: 'channel: missing or not a string' };
  if (!KNOWN_CHANNELS.has(channel)) return { ok: false, reason: `unknown channel ${JSON.stringify(channel.slice(0, 64))}`, channel };
  const r = wsFrame.safeParse(json);
  if (!r.success) return { ok: false, reason: formatZodError(r.error), channel };
  return { ok: true, frame: r.data };
}

/**
 * Whether a data frame belongs to a subscription. Coin feeds match on `coin`; user feeds that
 * carry the user match on it; `orderUpdates` and `user` frames carry no user, so they match every
 * subscription of that type (hence one connection per account).
 */
export function frameMatches(sub: Subscription, f: WsFrame): boolean {
  if (!('data' in f) || CHANNEL_OF[sub.type] !== f.channel) return false;
  switch (sub.type) {
    case 'l2Book':
    case 'bbo':
    case 'activeAssetCtx':
      return (f.data as { coin: string }).coin === sub.coin;
    case 'trades': {
      const trades = f.data as WsTrade[];
      return trades.length === 0 || trades[0].coin === sub.coin;
    }
    case 'userFills':
    case 'clearinghouseState':
    case 'openOrders':
      return (f.data as { user: string }).user.toLowerCase() === sub.user.toLowerCase();
    default:
      return true;
  }
}

/**
 * Request id carried by an error text, if any: `too many pending post requests id=1234`, or a
 * rejected request echoed back as JSON (`Error parsing JSON into valid websocket request: {"method":"post","id":7,…}`).
 */
export function postIdInErrorText(text: string): number | undefined {
  const m = /\bid=(\d+)|"id"\s*:\s*(\d+)/.exec(text);
  return m ? Number(m[1] ?? m[2]) : undefined;
}
