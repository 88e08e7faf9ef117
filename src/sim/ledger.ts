/**
 * The venue's ledger: every signed action the simulator accepted or refused (nonce = the signing
 * time, the acceptance time, the account and the signer, the orders with their reduce-only flags
 * and per-order outcome, the marks at acceptance and the account's positions right after), plus
 * every fill and order-status change the engine emitted, in order. It is the ground truth the
 * adversarial runner (src/chaos) checks its invariants against: what the venue did, not what a
 * client believes it did.
 *
 * Recorded from two hooks only (Venue.exchange and the simulator's event flush), so the engine
 * itself is untouched. Bounded: past `cap` entries the oldest are dropped and counted.
 */
import type { Engine, WireOrderIn } from './engine';
import { fxStr } from './money';
import type { SimEvent } from './types';
import type { VenueReply } from './venue';

export interface LedgerOrder {
  coin: string;
  asset: number;
  isBuy: boolean;
  px: string;
  sz: string;
  reduceOnly: boolean;
  tif: string;
  cloid?: string;
  /** the venue's per-order answer */
  outcome: 'resting' | 'filled' | 'error';
  oid?: number;
  error?: string;
}

export interface LedgerAction {
  seq: number;
  kind: 'action';
  /** venue time the action was processed (accepted or refused), ms */
  at: number;
  /** the account the action acted for (null when the venue could not tell: bad signature, 429…) */
  account: string | null;
  signer: string | null;
  /** = the signing time in ms for every client of this project */
  nonce: number | null;
  expiresAfter: number | null;
  type: string;
  /** the whole action was accepted (HTTP 200, status ok); orders inside may still have errors */
  accepted: boolean;
  error?: string;
  httpStatus: number;
  orders?: LedgerOrder[];
  cancels?: number;
  /** marks at acceptance of the coins the orders and the positions name */
  marks?: Record<string, string>;
  /** the account's non-zero positions right after the action */
  positionsAfter?: Record<string, string>;
}

export interface LedgerFill {
  seq: number;
  kind: 'fill';
  at: number;
  account: string;
  coin: string;
  side: 'B' | 'A';
  px: string;
  sz: string;
  startPosition: string;
  closedPnl: string;
  fee: string;
  oid: number;
  tid: number;
  cloid?: string;
}

export interface LedgerOrderUpdate {
  seq: number;
  kind: 'order';
  at: number;
  account: string;
  oid: number;
  coin: string;
  side: 'B' | 'A';
  status: string;
  sz: string;
  cloid?: string;
}

export type LedgerEntry = LedgerAction | LedgerFill | LedgerOrderUpdate;

/** Who the venue found behind a request, filled in by Venue.exchange as it learns it. */
export interface LedgerWho {
  signer?: string;
  user?: string;
}

export class Ledger {
  private readonly entries: LedgerEntry[] = [];
  private nextSeq = 1;
  /** entries dropped because the ledger was full */
  dropped = 0;

  constructor(private readonly cap = 200_000) {}

  private push(e: LedgerEntry): void {
    this.entries.push(e);
    if (this.entries.length > this.cap) {
      this.entries.shift();
      this.dropped++;
    }
  }

  /** Entries with seq > since, oldest first. */
  since(since = 0): LedgerEntry[] {
    if (since <= 0) return [...this.entries];
    return this.entries.filter((e) => e.seq > since);
  }

  /** One /exchange request and the venue's answer. */
  action(raw: unknown, out: VenueReply, who: LedgerWho, engine: Engine): void {
    const env = (typeof raw === 'object' && raw !== null ? raw : {}) as { action?: Record<string, unknown>; nonce?: unknown; expiresAfter?: unknown };
    const a = env.action && typeof env.action === 'object' ? env.action : {};
    const body = out.body as { status?: string; response?: unknown } | string;
    const accepted = out.status === 200 && typeof body === 'object' && body?.status === 'ok';
    const entry: LedgerAction = {
      seq: this.nextSeq++,
      kind: 'action',
      at: engine.now(),
      account: who.user ?? null,
      signer: who.signer ?? null,
      nonce: typeof env.nonce === 'number' ? env.nonce : null,
      expiresAfter: typeof env.expiresAfter === 'number' ? env.expiresAfter : null,
      type: typeof a.type === 'string' ? a.type : 'unknown',
      accepted,
      httpStatus: out.status,
    };
    if (!accepted) entry.error = typeof body === 'string' ? body : typeof body?.response === 'string' ? body.response : JSON.stringify(body);
    const wireOrders = a.type === 'order' ? (a.orders as WireOrderIn[]) : a.type === 'batchModify' ? (a.modifies as { order: WireOrderIn }[])?.map((m) => m.order) : a.type === 'modify' ? [a.order as WireOrderIn] : undefined;
    const statuses = accepted ? ((body as { response?: { data?: { statuses?: unknown[] } } }).response?.data?.statuses ?? []) : [];
    const coins = new Set<string>();
    if (Array.isArray(wireOrders)) {
      entry.orders = wireOrders.map((o, i) => {
        const coin = engine.marketByAsset(o?.a)?.name ?? `asset${String(o?.a)}`;
        coins.add(coin);
        const st = statuses[i] as { resting?: { oid: number }; filled?: { oid: number }; error?: string } | undefined;
        const outcome: LedgerOrder['outcome'] = !accepted || !st || st.error !== undefined ? 'error' : st.resting ? 'resting' : 'filled';
        return {
          coin,
          asset: o?.a,
          isBuy: o?.b === true,
          px: String(o?.p),
          sz: String(o?.s),
          reduceOnly: o?.r === true,
          tif: o?.t?.limit?.tif ?? 'trigger',
          ...(o?.c ? { cloid: o.c } : {}),
          outcome,
          ...(st?.resting ? { oid: st.resting.oid } : st?.filled ? { oid: st.filled.oid } : {}),
          ...(st?.error !== undefined ? { error: st.error } : !accepted && entry.error ? { error: entry.error } : {}),
        };
      });
    }
    if (a.type === 'cancel' || a.type === 'cancelByCloid') entry.cancels = Array.isArray(a.cancels) ? a.cancels.length : 0;
    const acct = who.user ? engine.account(who.user) : undefined;
    if (acct && accepted) {
      const positions: Record<string, string> = {};
      for (const [coin, p] of acct.positions) {
        if (p.szi === 0n) continue;
        positions[coin] = fxStr(p.szi);
        coins.add(coin);
      }
      entry.positionsAfter = positions;
    }
    if (coins.size > 0) {
      const marks: Record<string, string> = {};
      for (const c of coins) if (engine.byName.has(c)) marks[c] = fxStr(engine.mark(c));
      entry.marks = marks;
    }
    this.push(entry);
  }

  /** The engine's drained events (fills, order updates); returned unchanged for the servers to publish. */
  events(events: SimEvent[]): SimEvent[] {
    for (const ev of events) {
      if (ev.kind === 'fills') {
        for (const f of ev.fills) {
          this.push({
            seq: this.nextSeq++,
            kind: 'fill',
            at: f.time,
            account: ev.user,
            coin: f.coin,
            side: f.side,
            px: f.px,
            sz: f.sz,
            startPosition: f.startPosition,
            closedPnl: f.closedPnl,
            fee: f.fee,
            oid: f.oid,
            tid: f.tid,
            ...(f.cloid ? { cloid: f.cloid } : {}),
          });
        }
      } else if (ev.kind === 'orderUpdates') {
        for (const u of ev.updates) {
          this.push({
            seq: this.nextSeq++,
            kind: 'order',
            at: u.statusTimestamp,
            account: ev.user,
            oid: u.order.oid,
            coin: u.order.coin,
            side: u.order.side,
            status: u.status,
            sz: u.order.sz,
            ...(u.order.cloid ? { cloid: u.order.cloid } : {}),
          });
        }
      }
    }
    return events;
  }
}
