/** Shapes shared by the simulator's modules. Wire-facing objects use the venue's field names. */

export type Tif = 'Gtc' | 'Ioc' | 'Alo';

export type OrderStatusName =
  | 'open'
  | 'filled'
  | 'canceled'
  | 'rejected'
  | 'marginCanceled'
  | 'selfTradeCanceled'
  | 'reduceOnlyCanceled'
  | 'scheduledCancel'
  // rejected at placement, kept for orderStatus (hyperliquid.md §5)
  | 'tickRejected'
  | 'minTradeNtlRejected'
  | 'perpMarginRejected'
  | 'reduceOnlyRejected'
  | 'badAloPxRejected'
  | 'iocCancelRejected';

/** An order the venue gave an oid to (resting, or finished and kept for orderStatus). */
export interface SimOrder {
  oid: number;
  cloid?: string;
  user: string;
  coin: string;
  asset: number;
  isBuy: boolean;
  limitPx: bigint;
  /** remaining size, 10^-8 */
  sz: bigint;
  origSz: bigint;
  timestamp: number;
  reduceOnly: boolean;
  tif: Tif;
  status: OrderStatusName;
  statusTimestamp: number;
  /** insertion sequence for time priority */
  seq: number;
  /** the builder charged on this order's fills (order action `builder`) */
  builder?: { b: string; f: number };
}

/** WsFill / userFills row, exactly as the venue sends it. */
export interface WireFill {
  coin: string;
  px: string;
  sz: string;
  side: 'B' | 'A';
  time: number;
  startPosition: string;
  dir: string;
  closedPnl: string;
  hash: string;
  oid: number;
  crossed: boolean;
  fee: string;
  tid: number;
  feeToken: 'USDC';
  /** the TWAP the fill belongs to; always null here (no TWAP orders) */
  twapId: number | null;
  cloid?: string;
  /** present when the order named a builder; included in `fee` */
  builderFee?: string;
}

export interface WireOrderBasic {
  coin: string;
  side: 'B' | 'A';
  limitPx: string;
  sz: string;
  oid: number;
  timestamp: number;
  origSz: string;
  cloid?: string;
}

export interface WsOrderUpdate {
  order: WireOrderBasic;
  status: OrderStatusName;
  statusTimestamp: number;
}

export interface WireTrade {
  coin: string;
  side: 'B' | 'A';
  px: string;
  sz: string;
  hash: string;
  time: number;
  tid: number;
  users: [string, string];
}

export type OrderResponseStatus =
  | { resting: { oid: number; cloid?: string } }
  | { filled: { totalSz: string; avgPx: string; oid: number; cloid?: string } }
  | { error: string };

export type CancelResponseStatus = 'success' | { error: string };

/** What the engine did, drained by the servers after each request or tick and pushed to subscribers. */
export type SimEvent =
  | { kind: 'fills'; user: string; fills: WireFill[] }
  | { kind: 'orderUpdates'; user: string; updates: WsOrderUpdate[] }
  | { kind: 'trades'; coin: string; trades: WireTrade[] }
  | { kind: 'account'; user: string }
  | { kind: 'book'; coin: string };
