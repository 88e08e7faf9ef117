/**
 * The matching engine and account keeper of the simulated venue. Synchronous and single-threaded:
 * every request runs to completion, and what it changed is queued as SimEvents that the servers
 * drain and push. All money is bigint fixed point (money.ts).
 */
import { createHash } from 'node:crypto';
import { Account, bookFill, unrealizedPnl } from './accounts';
import { Book, BookDepthConfig, DEFAULT_DEPTH } from './book';
import { Faults } from './faults';
import { Market, floorToLot, roundToTick } from './markets';
import { abs, fx, fxStr, notional, truncUsdc, usdStr6, usdPerSize, wireFx, wireUsd } from './money';
import { PriceProcess } from './price-process';
import { marginAvailable, moveIsolatedMargin } from './margin';
import { OrderHistory } from './order-history';
import { overOpenOrderLimit } from './limits';
import {
  CancelResponseStatus,
  OrderResponseStatus,
  OrderStatusName,
  SimEvent,
  SimOrder,
  Tif,
  WireFill,
  WireTrade,
  WsOrderUpdate,
} from './types';

/** The foundation's tick/lot validators (src/exchange/hyperliquid/format.ts), injected. */
export interface WireRules {
  isValidWirePrice(px: string, szDecimals: number): boolean;
  isValidWireSize(sz: string, szDecimals: number): boolean;
}

/** An order as it arrives on the wire (already shape-checked by the exchange handler). */
export interface WireOrderIn {
  a: number;
  b: boolean;
  p: string;
  s: string;
  r: boolean;
  t: { limit?: { tif: string }; trigger?: unknown };
  c?: string;
}

export interface EngineOptions {
  markets: Market[];
  seed: number;
  rules: WireRules;
  faults?: Faults;
  now?: () => number;
  depth?: BookDepthConfig;
  /** fee rates in parts per million of notional */
  takerFeePpm?: number;
  makerFeePpm?: number;
}

/** An order action's builder: address (lowercase) and fee in tenths of a basis point. */
export interface BuilderFee {
  b: string;
  f: number;
}

/** The synthetic market maker on the other side of fills that do not meet another user. */
export const HOUSE = '0x0000000000000000000000000000000000000000';
const MIN_NOTIONAL = 10n * 10n ** 16n;
const SCHEDULE_CANCEL_MIN_VLM = 1_000_000n * 10n ** 16n;
export const ERR = {
  neverPlaced: 'Order was never placed, already canceled, or filled.',
  cannotModify: 'Cannot modify canceled or filled order',
  // our wording: no source quotes the venue's text for an Ioc modify without `a`
  modifyNotPostOnly: 'Modify without always-place (a) must place an Alo or a non-marketable Gtc order.',
  tick: 'Price must be divisible by tick size.',
  invalidPx: 'Order has invalid price.',
  invalidSz: 'Order has invalid size.',
  zeroSz: 'Order has zero size.',
  minValue: 'Order must have minimum value of $10.',
  margin: 'Insufficient margin to place order.',
  reduceOnly: 'Reduce only order would increase position.',
  iocNoMatch: 'Order could not immediately match against any resting orders.',
  trigger: 'Trigger orders are not supported by the simulator.',
  // our wording: no source quotes the venue's text for the open-order cap
  openOrders: 'Too many open orders.',
} as const;

export class Engine {
  readonly markets: Market[];
  readonly byName = new Map<string, Market>();
  readonly books = new Map<string, Book>();
  readonly prices = new Map<string, PriceProcess>();
  readonly accounts = new Map<string, Account>();
  /** the orders orderStatus can answer for: about the last 2,000 per account, open ones always */
  readonly orders = new OrderHistory((o) => o.status === 'open');
  readonly faults: Faults;
  readonly now: () => number;
  private readonly rules: WireRules;
  /** fee rates, parts per million of notional */
  readonly takerFee: bigint;
  readonly makerFee: bigint;
  private events: SimEvent[] = [];
  private nextOid = 40_000_000_000;
  private nextTid = 100_000_000_000_000;
  private seq = 0;
  private hashCounter = 0;
  private readonly seed: number;
  /** daily volume per coin, for asset contexts */
  readonly dayNtlVlm = new Map<string, bigint>();
  readonly prevDayPx = new Map<string, bigint>();

  constructor(opts: EngineOptions) {
    this.markets = opts.markets;
    this.rules = opts.rules;
    this.faults = opts.faults ?? new Faults();
    this.now = opts.now ?? Date.now;
    this.seed = opts.seed;
    this.takerFee = BigInt(opts.takerFeePpm ?? 450);
    this.makerFee = BigInt(opts.makerFeePpm ?? 150);
    for (const m of this.markets) {
      this.byName.set(m.name, m);
      const pp = new PriceProcess(m, opts.seed);
      this.prices.set(m.name, pp);
      const book = new Book(m, opts.depth ?? DEFAULT_DEPTH);
      book.rebuild(pp.mark, () => pp.random());
      this.books.set(m.name, book);
      this.dayNtlVlm.set(m.name, 0n);
      this.prevDayPx.set(m.name, pp.mark);
    }
  }

  // ------------------------------------------------------------------ accounts

  account(address: string): Account | undefined {
    return this.accounts.get(address.toLowerCase());
  }

  ensureAccount(address: string): Account {
    const key = address.toLowerCase();
    let a = this.accounts.get(key);
    if (!a) {
      a = new Account(key);
      this.accounts.set(key, a);
    }
    return a;
  }

  /** Credit (or debit, when negative) USDC collateral, 10^-16 USD. */
  fund(address: string, usd: bigint): Account {
    const a = this.ensureAccount(address);
    a.balance += usd;
    this.emit({ kind: 'account', user: a.address });
    return a;
  }

  mark(coin: string): bigint {
    return this.prices.get(coin)!.mark;
  }

  marketByAsset(asset: number): Market | undefined {
    return this.markets[asset];
  }

  drain(): SimEvent[] {
    const e = this.events;
    this.events = [];
    return e;
  }

  private emit(e: SimEvent): void {
    this.events.push(e);
  }

  private newHash(): string {
    this.hashCounter += 1;
    return '0x' + createHash('sha256').update(`${this.seed}:${this.hashCounter}`).digest('hex');
  }

  // ------------------------------------------------------------------ orders

  /** `builder` (action level) is charged on every fill of these orders; the venue checked its approval. */
  placeOrders(user: string, orders: WireOrderIn[], builder?: BuilderFee): OrderResponseStatus[] {
    const acct = this.ensureAccount(user);
    const hash = this.newHash();
    const statuses = orders.map((o) => this.placeOne(acct, o, hash, builder));
    this.emit({ kind: 'account', user: acct.address });
    return statuses;
  }

  private placeOne(acct: Account, w: WireOrderIn, hash: string, builder?: BuilderFee): OrderResponseStatus {
    const m = this.markets[w.a];
    if (!m) return { error: `Invalid asset. asset=${w.a}` };
    const fail = (msg: string): OrderResponseStatus => ({ error: `${msg} asset=${m.asset}` });
    const injected = this.faults.takeReject();
    if (injected !== null) return { error: injected };
    const isTrigger = w.t.trigger !== undefined || !w.t.limit;
    if (overOpenOrderLimit(acct.openOrders.size, acct.cumVlm, w.r || isTrigger)) return fail(ERR.openOrders);
    if (isTrigger || !w.t.limit) return fail(ERR.trigger);
    const tif = w.t.limit.tif as Tif;
    if (tif !== 'Gtc' && tif !== 'Ioc' && tif !== 'Alo') return fail(ERR.invalidPx);

    const px = fx(w.p);
    if (px === null || px <= 0n) return fail(ERR.invalidPx);
    if (!this.rules.isValidWirePrice(trimZeros(w.p), m.szDecimals)) {
      const s0 = fx(w.s);
      if (s0 !== null && s0 > 0n) this.recordRejected(acct, m, w, px, s0, tif, 'tickRejected');
      return fail(ERR.tick);
    }
    let sz = fx(w.s);
    if (sz === null) return fail(ERR.invalidSz);
    if (sz === 0n) return fail(ERR.zeroSz);
    if (!this.rules.isValidWireSize(trimZeros(w.s), m.szDecimals)) return fail(ERR.invalidSz);


    const pos = acct.szi(m.name);
    // origSz keeps what was asked even when a reduce-only order is cut to the position (TW P1)
    const requestedSz = sz;
    // rejections past this point leave a record orderStatus answers for (by cloid), as on the venue
    const reject = (msg: string, status: OrderStatusName): OrderResponseStatus => {
      this.recordRejected(acct, m, w, px, requestedSz, tif, status);
      return fail(msg);
    };
    let closesWholePosition = pos !== 0n && pos > 0n !== w.b && sz === abs(pos);
    if (w.r) {
      if (pos === 0n || pos > 0n === w.b) return reject(ERR.reduceOnly, 'reduceOnlyRejected');
      if (sz >= abs(pos)) {
        sz = abs(pos);
        closesWholePosition = true;
      }
    }
    if (notional(px, sz) < MIN_NOTIONAL && !closesWholePosition) return reject(ERR.minValue, 'minTradeNtlRejected');

    const book = this.books.get(m.name)!;
    if (tif === 'Alo') {
      const crossed = this.aloWouldMatch(w);
      if (crossed) return reject(crossed, 'badAloPxRejected');
    }
    if (!w.r) {
      const increase = pos !== 0n && pos > 0n !== w.b ? (sz > abs(pos) ? sz - abs(pos) : 0n) : sz;
      const lev = BigInt(this.leverageOf(acct, m).value);
      const required = notional(px, increase) / lev;
      if (required > 0n && required > marginAvailable(this, acct)) return reject(ERR.margin, 'perpMarginRejected');
    }

    const order = this.newOrder(acct, m, w, px, sz, requestedSz, tif, 'open', builder);
    this.orders.add(order);

    const { filledSz, filledNtl } = this.matchTaker(acct, order, book, tif === 'Ioc', hash);
    const cloidPart = w.c ? { cloid: w.c } : {};
    if (order.sz > 0n && tif !== 'Ioc') {
      book.insert(order);
      acct.openOrders.set(order.oid, order);
      this.orderUpdate(order, 'open');
      return { resting: { oid: order.oid, ...cloidPart } };
    }
    if (filledSz === 0n) {
      this.setStatus(order, 'iocCancelRejected', false);
      return fail(ERR.iocNoMatch);
    }
    if (order.sz > 0n) this.setStatus(order, 'canceled', true);
    return { filled: { totalSz: wireFx(filledSz), avgPx: wireFx(usdPerSize(filledNtl, filledSz)), oid: order.oid, ...cloidPart } };
  }

  /** Walk the opposite side (user orders and synthetic depth) while the limit allows. */
  private matchTaker(acct: Account, order: SimOrder, book: Book, isIoc: boolean, hash: string): { filledSz: bigint; filledNtl: bigint } {
    const partial = this.faults.partialFillPpm;
    let budget = order.sz;
    if (partial !== null) {
      budget = floorToLot((order.sz * partial) / 1_000_000n, this.marketOf(order).lot);
      if (budget === 0n) budget = this.marketOf(order).lot;
    }
    let filledSz = 0n;
    let filledNtl = 0n;
    const users = order.isBuy ? book.asks : book.bids;
    const synth = this.faults.noLiquidity ? [] : order.isBuy ? book.synthAsks : book.synthBids;
    const crosses = (px: bigint) => (order.isBuy ? px <= order.limitPx : px >= order.limitPx);
    let si = 0;
    while (budget > 0n) {
      while (si < synth.length && synth[si].sz <= 0n) si++;
      const maker = users[0];
      const level = si < synth.length ? synth[si] : undefined;
      const userOk = maker !== undefined && crosses(maker.limitPx);
      const synthOk = level !== undefined && crosses(level.px);
      if (!userOk && !synthOk) break;
      const useUser = userOk && (!synthOk || (order.isBuy ? maker.limitPx <= level!.px : maker.limitPx >= level!.px));
      if (useUser) {
        if (maker.user === acct.address) {
          // self-trade prevention: the resting order is cancelled, nothing fills
          this.cancelResting(maker, 'selfTradeCanceled');
          continue;
        }
        const qty = budget < maker.sz ? budget : maker.sz;
        const px = maker.limitPx;
        const tid = this.nextTid++;
        const makerAcct = this.ensureAccount(maker.user);
        this.fillOrder(makerAcct, maker, px, qty, false, hash, tid);
        this.fillOrder(acct, order, px, qty, true, hash, tid);
        this.trade(order, px, qty, hash, tid, maker.user);
        if (maker.sz === 0n) {
          book.remove(maker);
          makerAcct.openOrders.delete(maker.oid);
          this.setStatus(maker, 'filled', true);
        }
        this.emit({ kind: 'account', user: makerAcct.address });
        this.afterFills(makerAcct, maker.coin);
        budget -= qty;
        filledSz += qty;
        filledNtl += notional(px, qty);
      } else {
        const l = level!;
        const qty = budget < l.sz ? budget : l.sz;
        const px = isIoc && this.faults.ioSlippageBps > 0 ? this.slipped(order, l.px) : l.px;
        const tid = this.nextTid++;
        this.fillOrder(acct, order, px, qty, true, hash, tid);
        this.trade(order, px, qty, hash, tid, HOUSE);
        l.sz -= qty;
        budget -= qty;
        filledSz += qty;
        filledNtl += notional(px, qty);
      }
    }
    if (filledSz > 0n) {
      if (order.sz === 0n) this.setStatus(order, 'filled', true);
      this.afterFills(acct, order.coin);
      this.emit({ kind: 'book', coin: order.coin });
    }
    return { filledSz, filledNtl };
  }

  private slipped(order: SimOrder, px: bigint): bigint {
    const m = this.marketOf(order);
    const delta = (px * BigInt(Math.round(this.faults.ioSlippageBps * 100))) / 1_000_000n;
    const raw = order.isBuy ? px + delta : px - delta;
    const snapped = roundToTick(raw, m.szDecimals, order.isBuy ? 'up' : 'down');
    // a limit order never fills beyond its limit, slippage or not
    return order.isBuy ? (snapped > order.limitPx ? order.limitPx : snapped) : snapped < order.limitPx ? order.limitPx : snapped;
  }

  private marketOf(o: SimOrder): Market {
    return this.markets[o.asset];
  }

  private fillOrder(acct: Account, order: SimOrder, px: bigint, sz: bigint, crossed: boolean, hash: string, tid: number): void {
    const ntl = notional(px, sz);
    // a builder's fee (tenths of a basis point of notional) is part of the fill's fee (hyperliquid.md §1)
    const builderFee = order.builder ? truncUsdc((ntl * BigInt(order.builder.f)) / 100_000n) : 0n;
    const fee = truncUsdc((ntl * (crossed ? this.takerFee : this.makerFee)) / 1_000_000n) + builderFee;
    const booking = bookFill(acct, order.coin, order.isBuy, px, sz, fee);
    moveIsolatedMargin(acct, order.coin, this.leverageOf(acct, this.marketOf(order)), booking.startPosition, order.isBuy, px, sz);
    order.sz -= sz;
    this.dayNtlVlm.set(order.coin, (this.dayNtlVlm.get(order.coin) ?? 0n) + ntl);
    const fill: WireFill = {
      coin: order.coin,
      px: wireFx(px),
      sz: wireFx(sz),
      side: order.isBuy ? 'B' : 'A',
      time: this.now(),
      startPosition: wireFx(booking.startPosition),
      dir: booking.dir,
      closedPnl: wireUsd(booking.closedPnl),
      hash,
      oid: order.oid,
      crossed,
      fee: wireUsd(fee),
      tid,
      feeToken: 'USDC',
      twapId: null,
      ...(order.cloid ? { cloid: order.cloid } : {}),
      ...(order.builder ? { builderFee: wireUsd(builderFee) } : {}),
    };
    acct.fills.push(fill);
    this.emit({ kind: 'fills', user: acct.address, fills: [fill] });
  }

  private trade(taker: SimOrder, px: bigint, sz: bigint, hash: string, tid: number, counterparty: string): void {
    const t: WireTrade = {
      coin: taker.coin,
      side: taker.isBuy ? 'B' : 'A',
      px: wireFx(px),
      sz: wireFx(sz),
      hash,
      time: this.now(),
      tid,
      users: taker.isBuy ? [taker.user, counterparty] : [counterparty, taker.user],
    };
    this.emit({ kind: 'trades', coin: taker.coin, trades: [t] });
  }

  /**
   * Resting reduce-only orders follow the position (TW P2/P3): each is cut to the position's size
   * when the position shrinks below it, so it can never flip the side, and is cancelled as
   * `reduceOnlyCanceled` once the position is flat or on its own side. origSz is left alone.
   */
  private afterFills(acct: Account, coin: string): void {
    const pos = acct.szi(coin);
    for (const o of [...acct.openOrders.values()]) {
      if (o.coin !== coin || !o.reduceOnly) continue;
      if (pos === 0n || pos > 0n === o.isBuy) this.cancelResting(o, 'reduceOnlyCanceled');
      else if (o.sz > abs(pos)) this.shrinkResting(o, abs(pos));
    }
  }

  /** the book holds the order itself, so the level shrinks with it; time priority is kept */
  private shrinkResting(o: SimOrder, sz: bigint): void {
    o.sz = sz;
    this.emit({ kind: 'account', user: o.user });
    this.emit({ kind: 'book', coin: o.coin });
  }

  private cancelResting(o: SimOrder, status: OrderStatusName): void {
    this.books.get(o.coin)!.remove(o);
    const acct = this.account(o.user);
    acct?.openOrders.delete(o.oid);
    this.setStatus(o, status, true);
    this.emit({ kind: 'account', user: o.user });
    this.emit({ kind: 'book', coin: o.coin });
  }

  private setStatus(o: SimOrder, status: OrderStatusName, push: boolean): void {
    o.status = status;
    o.statusTimestamp = this.now();
    if (push) this.orderUpdate(o, status);
  }

  private orderUpdate(o: SimOrder, status: OrderStatusName): void {
    const u: WsOrderUpdate = { order: wireOrderBasic(o), status, statusTimestamp: o.statusTimestamp };
    this.emit({ kind: 'orderUpdates', user: o.user, updates: [u] });
  }

  /** A rejected order gets an oid and a record (not pushed on orderUpdates: not settled by a source). */
  private recordRejected(acct: Account, m: Market, w: WireOrderIn, px: bigint, sz: bigint, tif: Tif, status: OrderStatusName): void {
    this.orders.add(this.newOrder(acct, m, w, px, sz, sz, tif, status));
  }

  /** A new order record: the next oid and sequence number, placed now. */
  private newOrder(acct: Account, m: Market, w: WireOrderIn, px: bigint, sz: bigint, origSz: bigint, tif: Tif, status: OrderStatusName, builder?: SimOrder['builder']): SimOrder {
    const now = this.now();
    return {
      oid: this.nextOid++,
      cloid: w.c,
      user: acct.address,
      coin: m.name,
      asset: m.asset,
      isBuy: w.b,
      limitPx: px,
      sz,
      origSz,
      timestamp: now,
      reduceOnly: w.r,
      tif,
      status,
      statusTimestamp: now,
      seq: this.seq++,
      ...(builder ? { builder } : {}),
    };
  }

  oidForCloid(user: string, cloid: string): number | undefined {
    return this.orders.oidForCloid(user, cloid);
  }

  leverageOf(acct: Account, m: Market): { type: 'cross' | 'isolated'; value: number } {
    return acct.leverage.get(m.name) ?? { type: 'cross', value: Math.min(20, m.maxLeverage) };
  }

  // ------------------------------------------------------------------ cancels and modifies

  cancel(user: string, cancels: { a: number; o: number }[]): CancelResponseStatus[] {
    const acct = this.ensureAccount(user);
    return cancels.map(({ a, o }) => {
      const order = acct.openOrders.get(o);
      if (!order || order.asset !== a) return { error: `${ERR.neverPlaced} asset=${a}` };
      this.cancelResting(order, 'canceled');
      return 'success';
    });
  }

  cancelByCloid(user: string, cancels: { asset: number; cloid: string }[]): CancelResponseStatus[] {
    const acct = this.ensureAccount(user);
    return cancels.map(({ asset, cloid }) => {
      const oid = this.oidForCloid(acct.address, cloid);
      const order = oid === undefined ? undefined : acct.openOrders.get(oid);
      if (!order || order.asset !== asset) return { error: `${ERR.neverPlaced} asset=${asset}` };
      this.cancelResting(order, 'canceled');
      return 'success';
    });
  }

  /**
   * Modify = cancel the old order, place the new one under a new oid (hyperliquid.md §2.3).
   * Without `a` (always place) the new order must be post-only: a Gtc is placed as Alo, an Ioc is
   * refused, and a refusal leaves the old order resting. With `a: true` the new order is placed
   * whatever the cancel leg did (old order missing, filled or cancelled), with its own tif.
   */
  batchModify(user: string, modifies: { oid: number | string; order: WireOrderIn }[], alwaysPlace = false): OrderResponseStatus[] {
    const acct = this.ensureAccount(user);
    const hash = this.newHash();
    const out = modifies.map(({ oid, order }) => {
      const id = typeof oid === 'number' ? oid : this.oidForCloid(acct.address, oid);
      const existing = id === undefined ? undefined : acct.openOrders.get(id);
      if (alwaysPlace) {
        if (existing) this.cancelResting(existing, 'canceled');
        return this.placeOne(acct, order, hash);
      }
      if (!existing) return { error: ERR.cannotModify };
      const tif = order.t.limit?.tif;
      if (order.t.limit && tif !== 'Ioc') {
        const crossed = this.aloWouldMatch(order);
        if (crossed) return { error: `${crossed} asset=${order.a}` };
        this.cancelResting(existing, 'canceled');
        return this.placeOne(acct, { ...order, t: { limit: { tif: 'Alo' } } }, hash);
      }
      return { error: `${ERR.modifyNotPostOnly} asset=${order.a}` };
    });
    this.emit({ kind: 'account', user: acct.address });
    return out;
  }

  /** The post-only refusal text when the order would take liquidity now, else null. */
  private aloWouldMatch(w: WireOrderIn): string | null {
    const book = this.books.get(this.markets[w.a]?.name ?? '');
    const px = fx(w.p);
    if (!book || px === null) return null;
    const opp = w.b ? book.bestAsk() : book.bestBid();
    if (opp === null || (w.b ? px < opp : px > opp)) return null;
    const bid = book.bestBid();
    const ask = book.bestAsk();
    return `Post only order would have immediately matched, bbo was ${bid === null ? '' : fxStr(bid)}@${ask === null ? '' : fxStr(ask)}.`;
  }

  /** `null` when accepted, else the venue's error text. */
  scheduleCancel(user: string, time: number | undefined): string | null {
    const acct = this.ensureAccount(user);
    // clearing is volume-gated too, with the same text
    if (acct.cumVlm < SCHEDULE_CANCEL_MIN_VLM) {
      return `Cannot set scheduled cancel time until enough volume traded. Required: $1000000. Traded: $${usdStr6(acct.cumVlm)}.`;
    }
    if (time === undefined) {
      acct.scheduledCancelAt = null;
      return null;
    }
    if (time < this.now() + 5000) return 'Scheduled cancel time too early, must be at least 5 seconds from now.';
    acct.scheduledCancelAt = time;
    return null;
  }

  updateLeverage(user: string, asset: number, isCross: boolean, leverage: number): string | null {
    const m = this.markets[asset];
    if (!m) return `Invalid asset. asset=${asset}`;
    if (!Number.isInteger(leverage) || leverage < 1 || leverage > m.maxLeverage) return 'Invalid leverage value';
    const acct = this.ensureAccount(user);
    const type = isCross ? 'cross' : 'isolated';
    // the margin mode of an open position stays (our rule and text: the venue's is not quoted anywhere)
    if (acct.szi(m.name) !== 0n && this.leverageOf(acct, m).type !== type) return `Cannot switch margin mode with an open position. asset=${asset}`;
    acct.leverage.set(m.name, { type, value: leverage });
    this.emit({ kind: 'account', user: acct.address });
    return null;
  }

  /**
   * Add (ntli > 0) or remove (ntli < 0) isolated margin, USD × 10^6. Removal must leave the
   * position at least max(initial margin, 10 % of its value) (docs margining: transfer margin).
   */
  updateIsolatedMargin(user: string, asset: number, ntli: number): string | null {
    const m = this.markets[asset];
    if (!m) return `Invalid asset. asset=${asset}`;
    const acct = this.ensureAccount(user);
    const pos = acct.positions.get(m.name);
    if (!pos || pos.szi === 0n || this.leverageOf(acct, m).type !== 'isolated') return `Cannot update isolated margin without an open isolated position. asset=${asset}`;
    const amount = BigInt(ntli) * 10n ** 10n;
    const iso = acct.isolatedMargin.get(m.name) ?? 0n;
    if (amount > 0n && amount > marginAvailable(this, acct)) return 'Insufficient margin to add to the isolated position.';
    if (amount < 0n) {
      const value = notional(this.mark(m.name), abs(pos.szi));
      const initial = value / BigInt(this.leverageOf(acct, m).value);
      const floor = initial > value / 10n ? initial : value / 10n;
      const equity = iso + amount + unrealizedPnl(pos, this.mark(m.name));
      if (equity < floor) return 'Insufficient margin to remove from the isolated position.';
    }
    acct.isolatedMargin.set(m.name, iso + amount);
    this.emit({ kind: 'account', user: acct.address });
    return null;
  }

  // ------------------------------------------------------------------ market moves

  /** One clock step: prices move (unless frozen), depth is replenished, crossed resting orders fill. */
  tick(): void {
    for (const m of this.markets) {
      this.prices.get(m.name)!.step();
      this.refreshMarket(m.name);
    }
    this.runScheduledCancels();
  }

  setPrice(coin: string, px: bigint): void {
    this.priceOf(coin).set(px);
    this.refreshMarket(coin);
  }

  shock(coin: string, pct: number): void {
    this.priceOf(coin).shock(pct);
    this.refreshMarket(coin);
  }

  freeze(on: boolean): void {
    for (const p of this.prices.values()) p.frozen = on;
  }

  private priceOf(coin: string): PriceProcess {
    const p = this.prices.get(coin);
    if (!p) throw new Error(`unknown coin ${JSON.stringify(coin)}`);
    return p;
  }

  private refreshMarket(coin: string): void {
    const pp = this.priceOf(coin);
    const book = this.books.get(coin)!;
    book.rebuild(pp.mark, () => pp.random());
    this.passiveFills(book);
    this.emit({ kind: 'book', coin });
  }

  /** Resting user orders the synthetic market now trades through are filled as makers at their limit. */
  private passiveFills(book: Book): void {
    const hash = this.newHash();
    const sides: [SimOrder[], bigint | null][] = [
      [book.bids, book.bestSynthAsk()],
      [book.asks, book.bestSynthBid()],
    ];
    for (const [orders, through] of sides) {
      if (through === null) continue;
      for (const o of [...orders]) {
        if (o.isBuy ? o.limitPx < through : o.limitPx > through) break;
        const partial = this.faults.partialFillPpm;
        let qty = o.sz;
        if (partial !== null) {
          qty = floorToLot((o.sz * partial) / 1_000_000n, book.market.lot);
          if (qty === 0n) qty = o.sz < book.market.lot ? o.sz : book.market.lot;
        }
        const acct = this.ensureAccount(o.user);
        const tid = this.nextTid++;
        this.fillOrder(acct, o, o.limitPx, qty, false, hash, tid);
        this.emit({
          kind: 'trades',
          coin: o.coin,
          trades: [{ coin: o.coin, side: o.isBuy ? 'A' : 'B', px: wireFx(o.limitPx), sz: wireFx(qty), hash, time: this.now(), tid, users: o.isBuy ? [o.user, HOUSE] : [HOUSE, o.user] }],
        });
        if (o.sz === 0n) {
          book.remove(o);
          acct.openOrders.delete(o.oid);
          this.setStatus(o, 'filled', true);
        }
        this.emit({ kind: 'account', user: acct.address });
        this.afterFills(acct, o.coin);
      }
    }
  }

  private runScheduledCancels(): void {
    const now = this.now();
    for (const acct of this.accounts.values()) {
      if (acct.scheduledCancelAt === null || acct.scheduledCancelAt > now) continue;
      acct.scheduledCancelAt = null;
      for (const o of [...acct.openOrders.values()]) this.cancelResting(o, 'scheduledCancel');
    }
  }
}

export function wireOrderBasic(o: SimOrder): { coin: string; side: 'B' | 'A'; limitPx: string; sz: string; oid: number; timestamp: number; origSz: string; cloid?: string } {
  return {
    coin: o.coin,
    side: o.isBuy ? 'B' : 'A',
    limitPx: wireFx(o.limitPx),
    sz: wireFx(o.sz),
    oid: o.oid,
    timestamp: o.timestamp,
    origSz: wireFx(o.origSz),
    ...(o.cloid ? { cloid: o.cloid } : {}),
  };
}

/** "100.50" → "100.5", "100.0" → "100": the venue reads numbers, trailing zeros only matter to the hash. */
export function trimZeros(s: string): string {
  if (!s.includes('.')) return s;
  const t = s.replace(/0+$/, '');
  return t.endsWith('.') ? t.slice(0, -1) : t;
}
