/**
 * Accounts: USDC collateral, one-way cross-margin positions, fees and realized PnL.
 *
 * Consistency rules the property test relies on:
 * - a position's size changes only through fills, by exactly the signed fill size;
 * - the balance changes only through funding (admin) and fills, by `closedPnl − fee` of each fill;
 * - cost basis (`entryNtl`, exact USD at 10^-16) is reduced pro rata on a close, so entryPx is the
 *   average of the fills that opened what is still open.
 */
import { SimOrder, WireFill } from './types';
import { abs, notional, truncUsdc, usdPerSize } from './money';

export interface Position {
  /** signed size, 10^-8 */
  szi: bigint;
  /** cost basis of |szi| at 10^-16 USD */
  entryNtl: bigint;
}

export interface AgentGrant {
  agent: string;
  name: string;
  /** ms; Infinity when the name carries no `valid_until` */
  validUntil: number;
}

export class Account {
  /** USDC collateral at 10^-16 */
  balance = 0n;
  readonly positions = new Map<string, Position>();
  readonly leverage = new Map<string, { type: 'cross' | 'isolated'; value: number }>();
  /** coin → the part of `balance` earmarked as an isolated position's margin, 10^-16 */
  readonly isolatedMargin = new Map<string, bigint>();
  /** builder (lowercase) → the highest fee it may charge, tenths of a basis point */
  readonly builderApprovals = new Map<string, number>();
  /** the referral code set with setReferrer */
  referralCode: string | null = null;
  /** newest last */
  readonly fills: WireFill[] = [];
  readonly openOrders = new Map<number, SimOrder>();
  /** cumulative traded notional (10^-16), feeds the request budget */
  cumVlm = 0n;
  feesPaid = 0n;
  realizedPnl = 0n;
  /** address rate limit: requests counted so far, and the last request let through while over budget */
  requestsUsed = 0;
  lastOverBudgetAt = 0;
  scheduledCancelAt: number | null = null;
  readonly agents = new Map<string, AgentGrant>();

  constructor(readonly address: string) {}

  position(coin: string): Position {
    let p = this.positions.get(coin);
    if (!p) {
      p = { szi: 0n, entryNtl: 0n };
      this.positions.set(coin, p);
    }
    return p;
  }

  szi(coin: string): bigint {
    return this.positions.get(coin)?.szi ?? 0n;
  }
}

export interface FillBooking {
  startPosition: bigint;
  closedPnl: bigint;
  dir: string;
}

/**
 * Book a fill of `sz` at `px` on the account's position (side from `isBuy`) and charge `fee`.
 * Returns what the fill row reports.
 */
export function bookFill(acct: Account, coin: string, isBuy: boolean, px: bigint, sz: bigint, fee: bigint): FillBooking {
  const pos = acct.position(coin);
  const start = pos.szi;
  const signed = isBuy ? sz : -sz;
  let closedPnl = 0n;
  if (start === 0n || (start > 0n) === isBuy) {
    pos.entryNtl += notional(px, sz);
  } else {
    const held = abs(start);
    const closing = sz < held ? sz : held;
    const cost = closing === held ? pos.entryNtl : (pos.entryNtl * closing) / held;
    const proceeds = notional(px, closing);
    closedPnl = truncUsdc(start > 0n ? proceeds - cost : cost - proceeds);
    pos.entryNtl -= cost;
    const opened = sz - closing;
    if (opened > 0n) pos.entryNtl = notional(px, opened);
  }
  pos.szi = start + signed;
  if (pos.szi === 0n) pos.entryNtl = 0n;
  acct.balance += closedPnl - fee;
  acct.realizedPnl += closedPnl;
  acct.feesPaid += fee;
  acct.cumVlm += notional(px, sz);
  return { startPosition: start, closedPnl, dir: direction(start, pos.szi, isBuy) };
}

function direction(start: bigint, end: bigint, isBuy: boolean): string {
  if (isBuy) {
    if (start >= 0n) return 'Open Long';
    return end > 0n ? 'Short > Long' : 'Close Short';
  }
  if (start <= 0n) return 'Open Short';
  return end < 0n ? 'Long > Short' : 'Close Long';
}

export function entryPx(pos: Position): bigint {
  return usdPerSize(pos.entryNtl, abs(pos.szi));
}

/** signed unrealized PnL at `mark`, 10^-16 */
export function unrealizedPnl(pos: Position, mark: bigint): bigint {
  if (pos.szi === 0n) return 0n;
  const value = notional(mark, abs(pos.szi));
  return pos.szi > 0n ? value - pos.entryNtl : pos.entryNtl - value;
}
