/**
 * The stop activities' interface (implemented by activities/stop.ts over HTTP to the venue).
 * Kept apart from the implementation so the workflow bundle imports only types.
 */
import type { VenueSnapshot } from './stop-plan';

export interface CancelAllResult {
  /** open orders seen on the venue when the activity ran */
  requested: number;
  cancelled: number;
  /** already filled or cancelled by the time the cancel arrived: not an error */
  alreadyGone: number;
  failed: { coin: string; oid: number; error: string }[];
}

export interface FlattenOrderResult {
  coin: string;
  isBuy: boolean;
  sz: string;
  px: string;
  status: 'filled' | 'resting' | 'error' | 'skipped';
  filledSz?: string;
  error?: string;
}

export interface FlattenResult {
  orders: FlattenOrderResult[];
}

export interface AlertRequest {
  level: 'info' | 'critical';
  sessionId: string;
  stopWorkflowId: string;
  outcome: 'STOPPED_FLAT' | 'STOP_FAILED';
  message: string;
  remaining: { coin: string; szi: string }[];
  openOrdersLeft: number;
}

export interface StopActivities {
  readVenueState(): Promise<VenueSnapshot>;
  /** `coins` limits it to those markets (a market-scoped stop); omitted = every open order */
  cancelAllOpenOrders(req?: { coins?: string[] }): Promise<CancelAllResult>;
  /** reduce-only IOC orders sized from a fresh clearinghouseState; `coins` limits it to those markets */
  flattenPositions(req: { coins?: string[]; aggressionBps: number }): Promise<FlattenResult>;
  confirmFlat(): Promise<VenueSnapshot & { flat: boolean }>;
  alert(req: AlertRequest): Promise<void>;
}
