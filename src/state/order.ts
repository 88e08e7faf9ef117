/** One order we accepted past the gates and have not yet seen reach a terminal state (SPEC §1). */
import type { MarketRec } from './market-state';

export type OrderState =
  /** in the scheduler's queue */
  | 'queued'
  /** taken by a tick, posted, no response yet */
  | 'inflight'
  /** on the book (resting response or `open` update) */
  | 'resting'
  /** the venue said filled; waiting for the fills themselves before it is terminal */
  | 'awaitingFills'
  /** the post failed with an unknown outcome (connection dropped); reconcile by cloid */
  | 'unknown';

export interface PendingOrder {
  readonly cloid: string;
  readonly market: string;
  readonly rec: MarketRec;
  readonly isBuy: boolean;
  /** size as given (already validated against szDecimals) */
  readonly size: string;
  readonly sizeFx: bigint;
  /** limit price as given; formatted to the venue's tick rules when the batch is built */
  readonly limitPx: string;
  readonly tif: 'Gtc' | 'Ioc' | 'Alo';
  readonly reduceOnly: boolean;
  readonly intendedPx: string | undefined;
  readonly acceptedAt: number;
  state: OrderState;
  oid: number | undefined;
  filledFx: bigint;
  /** how much fill to wait for once the venue says filled (IOC partials: totalSz) */
  expectedFillFx: bigint | undefined;
  /** pending size currently counted in the exposure book (0 for reduce-only, and after release) */
  heldFx: bigint;
  /** a cancel is enqueued or in flight (HardStop) */
  cancelQueued: boolean;
  /** cancels sent for it so far (a failed cancel of a live order is retried a bounded number of times) */
  cancelAttempts?: number;
  /** when the order's post left (ms), for reconciliation of unknown outcomes */
  sentAt?: number;
  /** time of the last venue word about it (update, fill, status answer): newer than a snapshot = it wins */
  seenAt?: number;
}
