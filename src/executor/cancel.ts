/**
 * A strategy's cancel of one of its own orders, by cloid (Executor.onCancel). Cancels take no
 * exposure, so none of the six signal gates applies: a cancel is allowed in every phase, under
 * HardStop and while NOT READY too (a socket down means the HTTP fallback carries it). An order
 * still in the scheduler's queue is taken out and cleaned up at once (it never reaches the wire);
 * one that may be on the book gets a cancel-by-cloid, which the next tick sends ahead of any order.
 */
import { z } from 'zod';
import type { PendingOrder } from '../state/order';

export const CancelSchema = z
  .object({
    cloid: z.string().regex(/^0x[0-9a-f]{32}$/, 'a 0x-prefixed 32-hex-digit lowercase client order id'),
  })
  .strict();
export type CancelInput = z.input<typeof CancelSchema>;

/** `Rejected`: the cancel cannot be done (bad input, or no such open order of ours). */
export const CANCEL_REJECT_REASONS = ['InvalidCancel', 'UnknownOrder'] as const;
export type CancelRejectReason = (typeof CANCEL_REJECT_REASONS)[number];
/** `Skipped`: nothing to do now (a cancel is already on its way, or its retries are spent). */
export const CANCEL_SKIP_REASONS = ['CancelPending', 'CancelAttemptsExhausted'] as const;
export type CancelSkipReason = (typeof CANCEL_SKIP_REASONS)[number];

export type CancelResult =
  | { status: 'Accepted'; cloid: string; how: 'dequeued' | 'cancelQueued' }
  | { status: 'Rejected'; reason: CancelRejectReason; field?: string; message?: string }
  | { status: 'Skipped'; reason: CancelSkipReason; message?: string };

export type CancelResultKey = 'Accepted' | CancelRejectReason | CancelSkipReason;

export function emptyCancelCounts(): Record<CancelResultKey, number> {
  const c = { Accepted: 0 } as Record<CancelResultKey, number>;
  for (const r of CANCEL_REJECT_REASONS) c[r] = 0;
  for (const r of CANCEL_SKIP_REASONS) c[r] = 0;
  return c;
}

export interface CancelDeps {
  getOrder(cloid: string): PendingOrder | undefined;
  /** take a queued order out of the scheduler; false when it is not queued */
  removeQueued(order: PendingOrder): boolean;
  /** release, unmark, forget, and emit `cancelled` (Executor.cleanupDropped) */
  cleanupDropped(order: PendingOrder, why: string): void;
  /** enqueue a cancel-by-cloid; false when the order's cancel retries are spent */
  enqueueCancel(order: PendingOrder): boolean;
}

export function evaluateCancel(input: unknown, d: CancelDeps): CancelResult {
  const parsed = CancelSchema.safeParse(input);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    const field = i.path.length ? i.path.map(String).join('.') : '(root)';
    return { status: 'Rejected', reason: 'InvalidCancel', field, message: `${field}: ${i.message}` };
  }
  const { cloid } = parsed.data;
  const o = d.getOrder(cloid);
  if (o === undefined) return { status: 'Rejected', reason: 'UnknownOrder', field: 'cloid', message: 'cloid: no open order of ours has this cloid' };
  if (o.state === 'queued' && d.removeQueued(o)) {
    d.cleanupDropped(o, 'strategyCancel');
    return { status: 'Accepted', cloid, how: 'dequeued' };
  }
  if (o.state === 'awaitingFills') return { status: 'Rejected', reason: 'UnknownOrder', field: 'cloid', message: 'cloid: the order has already filled' };
  if (o.cancelQueued) return { status: 'Skipped', reason: 'CancelPending', message: 'a cancel of this order is already on its way' };
  if (!d.enqueueCancel(o)) return { status: 'Skipped', reason: 'CancelAttemptsExhausted', message: 'this order was cancelled the maximum number of times' };
  return { status: 'Accepted', cloid, how: 'cancelQueued' };
}
