/**
 * Input events of the hot path: plain domain types the worker adapts WebSocket/HTTP frames to.
 * Decimal values stay strings exactly as the venue sent them; times are ms since epoch.
 *
 *   MarkUpdate      ← activeAssetCtx {coin, ctx:{markPx, oraclePx, midPx}}  (one market)
 *   MidsUpdate      ← allMids {mids:{coin: px}}                              (mids only; never a mark)
 *   FillInput       ← WsFill (userFills / userEvents.fills), one per fill
 *   OrderUpdateInput← WsOrder (orderUpdates): {order:{coin, oid, cloid?, origSz, sz}, status, statusTimestamp}
 *   PositionsSnapshot ← clearinghouseState.assetPositions (szi per coin) at start/reconnect
 *   SocketState     ← the WsClient's connection state {up, since}
 */
export interface MarkUpdate {
  coin: string;
  markPx?: string | null;
  oraclePx?: string | null;
  midPx?: string | null;
  /** receive time, ms */
  at: number;
}

export interface MidsUpdate {
  mids: Record<string, string>;
  at: number;
}

export interface FillInput {
  coin: string;
  px: string;
  sz: string;
  /** 'B' = buy, 'A' = sell (venue notation) */
  side: 'B' | 'A';
  /** trade id; (coin, tid) identifies a fill, so a fill delivered twice counts once */
  tid: number;
  oid: number;
  cloid?: string | null;
  /** negative = rebate */
  fee: string;
  closedPnl: string;
  /** block time, ms (the venue's clock: ordering against snapshots) */
  time: number;
  /** the position before this fill (WsFill.startPosition): decides a fill timed exactly at a snapshot */
  startPosition?: string;
}

export interface OrderUpdateInput {
  coin: string;
  oid: number;
  cloid?: string | null;
  /** venue orderStatus string: open, filled, canceled, rejected, reduceOnlyCanceled, …Rejected, …Canceled */
  status: string;
  origSz?: string;
  /** remaining size */
  sz?: string;
  time: number;
}

export interface PositionsSnapshot {
  /** every position the venue reports; markets absent here are flat */
  positions: { coin: string; szi: string }[];
  at: number;
  /** the venue's time of the snapshot (clearinghouseState.time): newer fills are re-applied on top */
  venueTime?: number;
}

export interface SocketState {
  up: boolean;
  at: number;
}
