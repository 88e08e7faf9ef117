/**
 * The stop activities' interface (implemented by activities/stop.ts over HTTP to the venue).
 * Kept apart from the implementation so the workflow bundle imports only types.
 *
 * Every activity names the account it acts on (from the stop workflow's input, never from the
 * worker's configuration); a worker whose signer cannot act for it fails non-retryably
 * (WRONG_ACCOUNT_ERROR) naming both.
 */
import type { AlertSinkSpec } from '../../workflows/messages';
import type { VenueSnapshot } from './stop-plan';

/** The account a stop acts on (the session's, from the workflow input). */
export interface StopTarget {
  account: string;
  /** the vault/sub-account traded for; positions are then read for it and it is signed into every action */
  vaultAddress?: string;
}

/** The ApplicationFailure type of a stop activity run by a worker that cannot act for the account. */
export const WRONG_ACCOUNT_ERROR = 'StopWorkerWrongAccount';

export interface CancelAllResult {
  /** open orders seen on the venue when the activity ran */
  requested: number;
  cancelled: number;
  /** already filled or cancelled by the time the cancel arrived: not an error */
  alreadyGone: number;
  failed: { coin: string; oid: number; error: string }[];
  /** cancel actions sent (each at most maxPerAction cancels) */
  actions?: number;
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
  /** per coin: where the book held the size (null: too thin) and whether the ceiling held the price */
  pricing?: { coin: string; bookPx: string | null; px: string; capped: boolean }[];
}

export interface FlattenRequest extends StopTarget {
  coins?: string[];
  /** the first round's widening (older callers); round 1 of `pricing` otherwise */
  aggressionBps?: number;
  pricing?: { widenBps: number; maxSlippageBps: number; maxOrderNotionalUsd: string; maxOrdersPerAction: number };
}

export interface AlertRequest {
  level: 'info' | 'warn' | 'critical';
  sessionId: string;
  stopWorkflowId: string;
  outcome: 'STOPPED_FLAT' | 'STOP_FAILED' | 'STOP_ABANDONED' | 'STOP_STUCK' | 'STOP_WAITING_WORKER';
  message: string;
  remaining: { coin: string; szi: string }[];
  openOrdersLeft: number;
  account?: string;
}

export interface StopActivities {
  readVenueState(t: StopTarget): Promise<VenueSnapshot>;
  /** `coins` limits it to those markets (a market-scoped stop); omitted = every open order */
  cancelAllOpenOrders(t: StopTarget & { maxPerAction?: number; coins?: string[] }): Promise<CancelAllResult>;
  /** reduce-only IOC orders sized from a fresh clearinghouseState, priced from the L2 book; `coins` limits it to those markets */
  flattenPositions(req: FlattenRequest): Promise<FlattenResult>;
  confirmFlat(t: StopTarget): Promise<VenueSnapshot & { flat: boolean }>;
  /** the log line of an alert on the worker (the sinks are src/alerts' deliverAlert) */
  alert(req: AlertRequest): Promise<void>;
}

/** The alert delivery activity (src/alerts/activities.ts), on the alert queue every stop worker serves. */
export interface AlertActivities {
  deliverAlert(req: { alert: AlertRequest; sinks: AlertSinkSpec[] }): Promise<{ delivered: string[] }>;
}
