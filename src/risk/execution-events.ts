/**
 * ExecutionEvent: the ordered stream the RiskMonitor consumes (SPEC §5). Plain data, no Node
 * built-ins: decimal values are strings, times are ms since epoch from the injected clock.
 */
export type ExecutionEvent =
  | { type: 'posted'; at: number; kind: 'order' | 'cancel'; nonce: number; count: number; cloids: string[] }
  | { type: 'rejected'; at: number; cloid?: string; coin?: string; reason: string }
  | {
      type: 'filled';
      at: number;
      coin: string;
      cloid?: string;
      oid: number;
      tid: number;
      side: 'B' | 'A';
      px: string;
      sz: string;
      fee: string;
      closedPnl: string;
      /** The price the order meant to get (signal's intendedPx, else the mid when it was accepted). */
      intendedPx?: string;
    }
  | { type: 'cancelled'; at: number; cloid?: string; coin?: string; reason: string }
  | {
      type: 'tradeClosed';
      at: number;
      /** unique per round trip: `${coin}:${openingTid}` */
      tradeId: string;
      coin: string;
      /** Σ px·sz of the fills that opened/increased the position, USD */
      entryNotionalUsd: string;
      /** Σ closedPnl of the trade's fills (gross of fees), USD */
      realizedPnlUsd: string;
      /** Σ fee of the trade's fills (negative = rebate), USD */
      feesUsd: string;
    }
  | { type: 'socket'; at: number; up: boolean };

export type ExecutionEventType = ExecutionEvent['type'];
