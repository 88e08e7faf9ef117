/**
 * SimAdmin: the simulator's controls for tests and demos — funding, fault injection, price moves,
 * and `state(address)`, the ground truth a test compares a client's view against. The same
 * operations are served over HTTP (`POST /admin/<op>` with a JSON body) on 127.0.0.1 only.
 */
import { z } from 'zod';
import { formatZodError } from '../config/zod-error';
import { Engine } from './engine';
import { entryPx, unrealizedPnl } from './accounts';
import { marginSummary } from './margin';
import { fx, fxStr, ppm, usdFromString, usdStr6 } from './money';
import { WireFill } from './types';
import { wireOrderBasic } from './engine';
import type { Ledger, LedgerEntry } from './ledger';

export interface SimAccountState {
  address: string;
  exists: boolean;
  /** USDC collateral */
  balance: string;
  accountValue: string;
  feesPaid: string;
  realizedPnl: string;
  requestsUsed: number;
  positions: { coin: string; szi: string; entryPx: string; unrealizedPnl: string }[];
  openOrders: { coin: string; side: 'B' | 'A'; limitPx: string; sz: string; oid: number; origSz: string; cloid?: string; reduceOnly: boolean; tif: string; timestamp: number }[];
  /** oldest first */
  fills: WireFill[];
  agents: { address: string; name: string }[];
}

export interface SimAdmin {
  fund(address: string, usd: string | number): SimAccountState;
  dropSockets(): number;
  silence(ms: number): void;
  latency(ms: number): void;
  rejectNext(n: number, error: string): void;
  /** true = half of each match, a number = that fraction, false = off */
  partialFills(on: boolean | number): void;
  shock(coin: string, pct: number): string;
  ioSlippage(bps: number): void;
  duplicateFills(on: boolean): void;
  reorderFills(on: boolean): void;
  http429(n: number): void;
  /** the next n clearinghouseState answers are held until the account's next fill push (or maxMs) */
  holdSnapshot(n: number, maxMs?: number): void;
  /** fill pushes carry no cloid (as the venue's WsFill) */
  omitFillCloids(on: boolean): void;
  /** stop (#10): refuse every cancel action as a whole with `error` ('' or omitted = stop refusing) */
  refuseCancels(error: string): void;
  /** stop (#10): the synthetic market maker withdraws (true) or returns (false) */
  noLiquidity(on: boolean): void;
  state(address: string): SimAccountState;
  setPrice(coin: string, px: string): string;
  freezePrices(on: boolean): void;
  /** advance the price process one step now (tests do not wait for the clock) */
  tick(): void;
  /** the venue's ledger (src/sim/ledger.ts): entries with seq > since, and how many were dropped */
  ledger(since?: number): { entries: LedgerEntry[]; dropped: number };
}

export interface AdminDeps {
  engine: Engine;
  agentsOf(user: string): { address: string; name: string }[];
  dropSockets(): number;
  /** drain engine events to subscribers after an admin change */
  flush(): void;
  /** push market data after a price change */
  publishTick(): void;
  ledger?: Ledger;
}

export function createAdmin(d: AdminDeps): SimAdmin {
  const e = d.engine;
  const f = e.faults;
  const coinOf = (coin: string) => {
    if (!e.byName.has(coin)) throw new AdminError(`unknown coin ${JSON.stringify(coin)}`);
    return coin;
  };
  const nonNeg = (v: number, what: string) => {
    if (!Number.isFinite(v) || v < 0) throw new AdminError(`${what} must be a non-negative number`);
    return v;
  };
  const admin: SimAdmin = {
    fund(address, usd) {
      if (!/^0x[0-9a-fA-F]{40}$/.test(address)) throw new AdminError('address must be a 0x address (40 hex)');
      const neg = String(usd).startsWith('-');
      const v = usdFromString(neg ? String(usd).slice(1) : String(usd));
      if (v === null) throw new AdminError(`usd must be a decimal amount, got ${JSON.stringify(usd)}`);
      e.fund(address, neg ? -v : v);
      d.flush();
      return admin.state(address);
    },
    dropSockets: () => d.dropSockets(),
    silence(ms) {
      f.silentUntil = Date.now() + nonNeg(ms, 'ms');
    },
    latency(ms) {
      f.latencyMs = nonNeg(ms, 'ms');
    },
    rejectNext(n, error) {
      f.rejectNextCount = Math.floor(nonNeg(n, 'n'));
      f.rejectNextError = error;
    },
    partialFills(on) {
      if (on === false || on === 0) f.partialFillPpm = null;
      else if (on === true) f.partialFillPpm = 500_000n;
      else if (typeof on === 'number' && on > 0 && on <= 1) f.partialFillPpm = ppm(on);
      else throw new AdminError('partialFills takes true, false or a fraction in (0, 1]');
    },
    shock(coin, pct) {
      if (!Number.isFinite(pct) || pct <= -100) throw new AdminError('pct must be a number above -100');
      e.shock(coinOf(coin), pct);
      d.flush();
      d.publishTick();
      return fxStr(e.mark(coin));
    },
    ioSlippage(bps) {
      f.ioSlippageBps = nonNeg(bps, 'bps');
    },
    duplicateFills(on) {
      f.duplicateFills = on;
    },
    reorderFills(on) {
      f.reorderFills = on;
    },
    http429(n) {
      f.http429Remaining = Math.floor(nonNeg(n, 'n'));
    },
    holdSnapshot(n, maxMs) {
      f.holdSnapshotRemaining = Math.floor(nonNeg(n, 'n'));
      if (maxMs !== undefined) f.holdSnapshotMaxMs = nonNeg(maxMs, 'maxMs');
    },
    omitFillCloids(on) {
      f.omitFillCloids = on;
    },
    refuseCancels(error) {
      f.refuseCancelsError = typeof error === 'string' ? error : '';
    },
    noLiquidity(on) {
      f.noLiquidity = on;
      d.flush();
    },
    state(address) {
      return accountState(e, address, d.agentsOf(address.toLowerCase()));
    },
    setPrice(coin, px) {
      const v = fx(px);
      if (v === null || v <= 0n) throw new AdminError(`px must be a positive decimal, got ${JSON.stringify(px)}`);
      e.setPrice(coinOf(coin), v);
      d.flush();
      d.publishTick();
      return fxStr(e.mark(coin));
    },
    freezePrices(on) {
      e.freeze(on);
    },
    tick() {
      e.tick();
      d.flush();
      d.publishTick();
    },
    ledger(since = 0) {
      return { entries: d.ledger?.since(since) ?? [], dropped: d.ledger?.dropped ?? 0 };
    },
  };
  return admin;
}

export class AdminError extends Error {
  override name = 'AdminError';
}

function accountState(e: Engine, address: string, agents: { address: string; name: string }[]): SimAccountState {
  const acct = e.account(address);
  if (!acct) {
    return { address: address.toLowerCase(), exists: false, balance: '0', accountValue: '0', feesPaid: '0', realizedPnl: '0', requestsUsed: 0, positions: [], openOrders: [], fills: [], agents };
  }
  const s = marginSummary(e, acct);
  const positions = [...acct.positions.entries()]
    .filter(([, p]) => p.szi !== 0n)
    .map(([coin, p]) => ({ coin, szi: fxStr(p.szi), entryPx: fxStr(entryPx(p)), unrealizedPnl: usdStr6(unrealizedPnl(p, e.mark(coin))) }));
  const openOrders = [...acct.openOrders.values()].map((o) => ({ ...wireOrderBasic(o), reduceOnly: o.reduceOnly, tif: o.tif }));
  return {
    address: acct.address,
    exists: true,
    balance: usdStr6(acct.balance),
    accountValue: usdStr6(s.accountValue),
    feesPaid: usdStr6(acct.feesPaid),
    realizedPnl: usdStr6(acct.realizedPnl),
    requestsUsed: acct.requestsUsed,
    positions,
    openOrders,
    fills: [...acct.fills],
    agents,
  };
}

// ------------------------------------------------------------------ admin over HTTP

const bool = z.boolean();
const count = z.number().int().nonnegative();
const ADMIN_OPS = {
  fund: z.object({ address: z.string(), usd: z.union([z.string(), z.number()]) }),
  dropSockets: z.object({}).passthrough(),
  silence: z.object({ ms: z.number().nonnegative() }),
  latency: z.object({ ms: z.number().nonnegative() }),
  rejectNext: z.object({ n: count, error: z.string().min(1) }),
  partialFills: z.object({ on: z.union([bool, z.number().min(0).max(1)]) }),
  shock: z.object({ coin: z.string(), pct: z.number() }),
  ioSlippage: z.object({ bps: z.number().nonnegative() }),
  duplicateFills: z.object({ on: bool }),
  reorderFills: z.object({ on: bool }),
  http429: z.object({ n: count }),
  holdSnapshot: z.object({ n: count, maxMs: z.number().nonnegative().optional() }),
  omitFillCloids: z.object({ on: bool }),
  refuseCancels: z.object({ error: z.string() }),
  noLiquidity: z.object({ on: bool }),
  state: z.object({ address: z.string() }),
  setPrice: z.object({ coin: z.string(), px: z.string() }),
  freezePrices: z.object({ on: bool }),
  tick: z.object({}).passthrough(),
  ledger: z.object({ since: count.optional() }),
} as const;

export type AdminOp = keyof typeof ADMIN_OPS;
export const ADMIN_OP_NAMES = Object.keys(ADMIN_OPS) as AdminOp[];

/** Runs one admin op from its JSON body; `{status, body}` for the HTTP layer. */
export function runAdminOp(admin: SimAdmin, op: string, body: unknown): { status: number; body: unknown } {
  if (!(op in ADMIN_OPS)) return { status: 404, body: { error: `unknown admin op ${JSON.stringify(op)}; ops: ${ADMIN_OP_NAMES.join(', ')}` } };
  const parsed = ADMIN_OPS[op as AdminOp].safeParse(body ?? {});
  if (!parsed.success) return { status: 400, body: { error: formatZodError(parsed.error) } };
  const a = parsed.data as Record<string, never>;
  try {
    let result: unknown;
    switch (op as AdminOp) {
      case 'fund': result = admin.fund(a.address, a.usd); break;
      case 'dropSockets': result = { dropped: admin.dropSockets() }; break;
      case 'silence': admin.silence(a.ms); break;
      case 'latency': admin.latency(a.ms); break;
      case 'rejectNext': admin.rejectNext(a.n, a.error); break;
      case 'partialFills': admin.partialFills(a.on); break;
      case 'shock': result = { markPx: admin.shock(a.coin, a.pct) }; break;
      case 'ioSlippage': admin.ioSlippage(a.bps); break;
      case 'duplicateFills': admin.duplicateFills(a.on); break;
      case 'reorderFills': admin.reorderFills(a.on); break;
      case 'http429': admin.http429(a.n); break;
      case 'holdSnapshot': admin.holdSnapshot(a.n, a.maxMs); break;
      case 'omitFillCloids': admin.omitFillCloids(a.on); break;
      case 'refuseCancels': admin.refuseCancels(a.error); break;
      case 'noLiquidity': admin.noLiquidity(a.on); break;
      case 'state': result = admin.state(a.address); break;
      case 'setPrice': result = { markPx: admin.setPrice(a.coin, a.px) }; break;
      case 'freezePrices': admin.freezePrices(a.on); break;
      case 'tick': admin.tick(); break;
      case 'ledger': result = admin.ledger(a.since); break;
    }
    return { status: 200, body: { ok: true, ...(result === undefined ? {} : { result }) } };
  } catch (e) {
    if (e instanceof AdminError) return { status: 400, body: { error: e.message } };
    throw e;
  }
}
