/**
 * Rate limits the venue enforces (hyperliquid.md §7), with the figures configurable so tests and
 * benchmarks can tighten or lift them.
 * - IP weight: REST 1200 weight/min per IP (token bucket, refilled continuously).
 * - Address budget: 1 request per 1 USDC traded + an initial 10,000; cancels get
 *   min(limit + 100,000, 2 × limit); when over, one request per 10 s gets through.
 */
import type { Account } from './accounts';

export interface LimitConfig {
  ipWeightPerMinute: number;
  addressInitialBudget: number;
  wsMessagesPerMinute: number;
  wsMaxInflightPosts: number;
  wsMaxSubscriptions: number;
  wsMaxUsers: number;
  wsMaxConnections: number;
  /** the server closes a connection it has sent nothing to for this long */
  wsIdleCloseMs: number;
}

export const VENUE_LIMITS: LimitConfig = {
  ipWeightPerMinute: 1200,
  addressInitialBudget: 10_000,
  wsMessagesPerMinute: 2000,
  wsMaxInflightPosts: 100,
  wsMaxSubscriptions: 1000,
  wsMaxUsers: 10,
  wsMaxConnections: 10,
  wsIdleCloseMs: 60_000,
};

/** Token bucket per key, `perMinute` capacity, refilled continuously. */
export class PerMinuteBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly perMinute: number) {}

  take(key: string, amount: number, now: number): boolean {
    if (!Number.isFinite(this.perMinute)) return true;
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: this.perMinute, at: now };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(this.perMinute, b.tokens + ((now - b.at) * this.perMinute) / 60_000);
    b.at = now;
    if (b.tokens < amount) return false;
    b.tokens -= amount;
    return true;
  }
}

/** REST weight of an /info request type (hyperliquid.md §7). */
export function infoWeight(type: string, rows = 0): number {
  switch (type) {
    case 'l2Book':
    case 'allMids':
    case 'clearinghouseState':
    case 'orderStatus':
    case 'spotClearinghouseState':
    case 'exchangeStatus':
      return 2;
    case 'userRole':
      return 60;
    case 'userFills':
    case 'userFillsByTime':
    case 'historicalOrders':
    case 'recentTrades':
      return 20 + Math.floor(rows / 20);
    default:
      return 20;
  }
}

/** REST weight of an /exchange request: 1 + floor(batch length / 40). */
export function exchangeWeight(batchLength: number): number {
  return 1 + Math.floor(batchLength / 40);
}

/**
 * Address budget check; counts the requests when let through. `null` = allowed,
 * else the venue's error text. Refused requests consume nothing.
 */
export function chargeAddress(acct: Account, n: number, isCancel: boolean, initial: number, now: number): string | null {
  const traded = Number(acct.cumVlm / 10n ** 16n);
  const base = initial + traded;
  const cap = isCancel ? Math.min(base + 100_000, 2 * base) : base;
  if (acct.requestsUsed + n <= cap) {
    acct.requestsUsed += n;
    return null;
  }
  if (now - acct.lastOverBudgetAt >= 10_000) {
    acct.lastOverBudgetAt = now;
    acct.requestsUsed += n;
    return null;
  }
  return `Too many cumulative requests sent (${acct.requestsUsed + n} > ${cap}) for cumulative volume traded $${traded}. Place taker orders to free up 1 request per USDC traded.`;
}

/**
 * Open-order cap (rate-limits-and-user-limits): 1,000 + 1 per $5M of traded volume, at most
 * 5,000. At 1,000 or more open orders, new reduce-only and trigger orders are refused whatever
 * the volume-raised cap is.
 */
export const OPEN_ORDERS_BASE = 1000;
export const OPEN_ORDERS_MAX = 5000;
const VOLUME_PER_EXTRA_ORDER = 5_000_000n * 10n ** 16n;

export function openOrderLimit(cumVlm: bigint): number {
  return Math.min(OPEN_ORDERS_MAX, OPEN_ORDERS_BASE + Number(cumVlm / VOLUME_PER_EXTRA_ORDER));
}

/** true when a new order must be refused for the account's open-order count */
export function overOpenOrderLimit(openCount: number, cumVlm: bigint, reduceOnlyOrTrigger: boolean): boolean {
  if (reduceOnlyOrTrigger && openCount >= OPEN_ORDERS_BASE) return true;
  return openCount >= openOrderLimit(cumVlm);
}
