/**
 * The venue's state at any past moment, rebuilt from its ledger (src/sim/ledger.ts): positions
 * from the fills, open orders from the order updates, realized pnl net of fees. Pure.
 */
import Decimal from 'decimal.js';
import type { LedgerAction, LedgerEntry, LedgerFill, LedgerOrderUpdate } from '../sim/ledger';

export function fillsOf(ledger: readonly LedgerEntry[], account: string): LedgerFill[] {
  return ledger.filter((e): e is LedgerFill => e.kind === 'fill' && e.account === account);
}

export function actionsOf(ledger: readonly LedgerEntry[], account: string): LedgerAction[] {
  return ledger.filter((e): e is LedgerAction => e.kind === 'action' && e.account === account);
}

/** Signed position per coin after every fill at or before t (non-zero ones only). */
export function positionsAt(ledger: readonly LedgerEntry[], account: string, t: number): Map<string, Decimal> {
  const pos = new Map<string, Decimal>();
  for (const f of fillsOf(ledger, account)) {
    if (f.at > t) continue;
    const d = new Decimal(f.sz).times(f.side === 'B' ? 1 : -1);
    pos.set(f.coin, (pos.get(f.coin) ?? new Decimal(0)).plus(d));
  }
  for (const [c, v] of pos) if (v.isZero()) pos.delete(c);
  return pos;
}

/** Orders resting at t: the last update at or before t says open. */
export function openOrdersAt(ledger: readonly LedgerEntry[], account: string, t: number): LedgerOrderUpdate[] {
  const last = new Map<number, LedgerOrderUpdate>();
  for (const e of ledger) {
    if (e.kind !== 'order' || e.account !== account || e.at > t) continue;
    last.set(e.oid, e);
  }
  return [...last.values()].filter((u) => u.status === 'open');
}

/** Realized pnl minus fees over the fills strictly before t, USD. */
export function netPnlBefore(ledger: readonly LedgerEntry[], account: string, t: number): Decimal {
  let s = new Decimal(0);
  for (const f of fillsOf(ledger, account)) if (f.at < t) s = s.plus(f.closedPnl).minus(f.fee);
  return s;
}

export function describePositions(pos: Map<string, Decimal>): string {
  return pos.size === 0 ? 'flat' : [...pos].map(([c, v]) => `${c} ${v.toString()}`).join(', ');
}

/** One ledger entry as the evidence line a violation prints. */
export function ledgerLine(e: LedgerEntry): string {
  return JSON.stringify(e);
}
