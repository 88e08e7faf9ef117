/**
 * The HardStop race property (SPEC §3–§4, seed review rounds 3–4): a controllable scheduler drives
 * random interleavings of signals, re-entrant signals (deferred fallback registrations), actor
 * steps, ticks, sends, responses, fills, order updates and the trigger at any point.
 *
 * The trigger can also fire inside a tick, between the scheduler's dequeue and the signing (the
 * window the pre-send guard closes).
 *
 * Invariants, checked after every step:
 *  1. no non-reduce-only order reaches the sender after trigger() returns;
 *  2. no nonce is consumed by an empty batch (one nonce per post, every post non-empty);
 *  3. no market stays marked pending without a pending order (queued, in flight, in the actor's
 *     queue, or registered);
 *  4. exposure is never leaked: each market's pending size equals what its live orders hold;
 *  5. after the trigger no new order is registered while still queued (purged or refused);
 *  6. after the trigger every new order seen resting on the book has a cancel queued or in flight;
 * and at the end: every dropped order was cleaned up and never sent, and once everything settles
 * no market is pending and nothing is held.
 *
 * Runs HLX_RACE_RUNS interleavings (default 10,000); a failure prints fast-check's seed and path —
 * replay with HLX_RACE_SEED=<seed> HLX_RACE_PATH=<path>.
 */
import fc from 'fast-check';
import type { ExchangeResponseLike, WireOrderSpec } from '../../../src/executor/ports';
import type { PendingOrder } from '../../../src/state/order';
import { makeHarness, MARKETS, type Harness, type Post } from './harness';

type Cmd =
  | { t: 'signal'; m: number; buy: boolean; ro: boolean }
  | { t: 'reentrant'; m: number; buy: boolean; ro: boolean }
  | { t: 'process' }
  | { t: 'tick' }
  | { t: 'tickTriggerMid'; where: 'afterDequeue' | 'duringFormat' }
  | { t: 'respond'; k: number; mode: number }
  | { t: 'respondLast'; mode: number }
  | { t: 'fill'; k: number; part: boolean }
  | { t: 'update'; k: number; status: 'open' | 'canceled' | 'filled' | 'reduceOnlyRejected' }
  | { t: 'trigger' };

const SIZES = ['0.0001', '0.01', '0.5'];
const mkSignal = (m: number, buy: boolean, ro: boolean) => ({
  market: MARKETS[m].coin,
  side: buy ? 'buy' : 'sell',
  size: SIZES[m],
  limitPx: MARKETS[m].mark,
  tif: 'Ioc',
  reduceOnly: ro,
});

const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant('signal' as const), m: fc.nat(2), buy: fc.boolean(), ro: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('reentrant' as const), m: fc.nat(2), buy: fc.boolean(), ro: fc.boolean() }) },
  { weight: 7, arbitrary: fc.constant({ t: 'process' as const }) },
  { weight: 5, arbitrary: fc.constant({ t: 'tick' as const }) },
  // the trigger fires between the scheduler handing out a batch and the signing (seed round 4 #2)
  { weight: 1, arbitrary: fc.record({ t: fc.constant('tickTriggerMid' as const), where: fc.constantFrom('afterDequeue' as const, 'duringFormat' as const) }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('respond' as const), k: fc.nat(7), mode: fc.nat(4) }) },
  // answers overtaking earlier posts (a cancel answered before the order it cancels)
  { weight: 3, arbitrary: fc.record({ t: fc.constant('respondLast' as const), mode: fc.nat(4) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('fill' as const), k: fc.nat(7), part: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({ t: fc.constant('update' as const), k: fc.nat(7), status: fc.constantFrom('open' as const, 'canceled' as const, 'filled' as const, 'reduceOnlyRejected' as const) }),
  },
  { weight: 1, arbitrary: fc.constant({ t: 'trigger' as const }) },
);

const macrotask = () => new Promise<void>((r) => setImmediate(r));

function postOrders(p: Post): WireOrderSpec[] {
  const a = p.req.action as { type: string; orders?: WireOrderSpec[] };
  return a.type === 'order' ? a.orders ?? [] : [];
}

class Run {
  readonly h: Harness = makeHarness();
  triggeredAtPost = -1; // number of posts when trigger() returned
  /** new orders registered when trigger() returned: the only ones that may be registered after it */
  registeredAtTrigger: Set<string> | null = null;
  private midTrigger: 'afterDequeue' | 'duringFormat' | null = null;

  constructor() {
    const h = this.h;
    const tick = h.scheduler.tick.bind(h.scheduler);
    h.scheduler.tick = () => {
      const b = tick();
      if (this.midTrigger === 'afterDequeue') this.fireTrigger();
      return b;
    };
    const fmt = h.wire.formatPrice.bind(h.wire);
    h.wire.formatPrice = (px: string) => {
      if (this.midTrigger === 'duringFormat') this.fireTrigger();
      return fmt(px);
    };
  }

  fireTrigger(): void {
    this.midTrigger = null;
    if (this.h.latch.isTriggered()) return;
    this.h.trigger();
    this.triggeredAtPost = this.h.transport.posts.length;
    this.registeredAtTrigger = new Set(this.h.tracker.allPendingCloids());
  }
  private oid = 1;
  private tid = 1;
  private readonly ordersByCloid = new Map<string, PendingOrder>();

  order(cloid: string): PendingOrder | undefined {
    if (!this.ordersByCloid.has(cloid)) for (const o of this.h.accepted) this.ordersByCloid.set(o.cloid, o);
    return this.ordersByCloid.get(cloid);
  }

  /** orders the venue might know about: sent at least once */
  sentOrders(): PendingOrder[] {
    const out: PendingOrder[] = [];
    for (const p of this.h.transport.posts) for (const w of postOrders(p)) if (w.cloid) out.push(this.order(w.cloid)!);
    return out;
  }

  async step(c: Cmd): Promise<void> {
    const h = this.h;
    switch (c.t) {
      case 'signal':
        h.executor.onSignal(mkSignal(c.m, c.buy, c.ro));
        return;
      case 'reentrant':
        h.reentrant.push(mkSignal(c.m, c.buy, c.ro));
        return;
      case 'process':
        h.tracker.processOne();
        return;
      case 'tick':
        h.loop.tick();
        return;
      case 'trigger':
        this.fireTrigger();
        return;
      case 'tickTriggerMid':
        this.midTrigger = c.where;
        h.loop.tick();
        this.midTrigger = null;
        return;
      case 'respond': {
        const open = h.transport.open();
        if (open.length === 0) return;
        this.respond(open[c.k % open.length], c.mode);
        await macrotask();
        return;
      }
      case 'respondLast': {
        const open = h.transport.open();
        if (open.length === 0) return;
        this.respond(open[open.length - 1], c.mode);
        await macrotask();
        return;
      }
      case 'fill': {
        const sent = this.sentOrders().filter((o) => o.filledFx < o.sizeFx);
        if (sent.length === 0) return;
        const o = sent[c.k % sent.length];
        this.fill(o, c.part);
        return;
      }
      case 'update': {
        const sent = this.sentOrders();
        if (sent.length === 0) return;
        const o = sent[c.k % sent.length];
        h.tracker.post({ type: 'orderUpdate', u: { coin: o.market, oid: o.oid ?? this.oid++, cloid: o.cloid, status: c.status, time: h.clock() } });
        return;
      }
    }
  }

  fill(o: PendingOrder, part: boolean): void {
    const rest = o.sizeFx - o.filledFx;
    const szFx = part && rest > 1n ? rest / 2n : rest;
    const sz = (Number(szFx) / 1e8).toFixed(8);
    this.h.tracker.post({
      type: 'fill',
      fill: { coin: o.market, px: o.limitPx, sz, side: o.isBuy ? 'B' : 'A', tid: this.tid++, oid: o.oid ?? this.oid++, cloid: o.cloid, fee: '0.01', closedPnl: '0', time: this.h.clock() },
    });
  }

  respond(p: Post, mode: number): void {
    const a = p.req.action as { type: string; orders?: WireOrderSpec[]; cancels?: unknown[] };
    if (mode === 4) return p.reject(new Error('connection closed'));
    if (a.type !== 'order') {
      const statuses = (a.cancels ?? []).map((_, i) => ((mode + i) % 2 === 0 ? 'success' : { error: 'Order was never placed, already canceled, or filled.' }));
      return p.resolve({ status: 'ok', response: { type: 'cancel', data: { statuses } } } as ExchangeResponseLike);
    }
    if (mode === 3) return p.resolve({ status: 'err', response: 'Invalid nonce' });
    const statuses = (a.orders ?? []).map((w, i) => {
      const kind = (mode + i) % 3;
      const oid = this.oid++;
      if (kind === 0) return { resting: { oid, cloid: w.cloid } };
      if (kind === 1) return { filled: { totalSz: w.sz, avgPx: w.px, oid, cloid: w.cloid } };
      return { error: 'Order could not immediately match against any resting orders. asset=0' };
    });
    p.resolve({ status: 'ok', response: { type: 'order', data: { statuses } } } as ExchangeResponseLike);
  }

  /** a cancel for this cloid is queued, in flight, or its answer is waiting in the tracker's queue */
  cancelPending(cloid: string): boolean {
    const h = this.h;
    if (h.scheduler.queuedCloidCancels().some((x) => x.cloid === cloid)) return true;
    for (const p of h.transport.open()) {
      const a = p.req.action as { type: string; cancels?: { cloid?: string }[] };
      if (a.type === 'cancelByCloid' && a.cancels?.some((x) => x.cloid === cloid)) return true;
    }
    return h.tracker.queuedMessages().some((m) => m.type === 'cancelAck' && m.cloid === cloid);
  }

  /** the invariants that must hold between any two steps */
  check(where: string): void {
    const h = this.h;
    const fail = (msg: string) => {
      throw new Error(`${where}: ${msg}`);
    };
    // 1. nothing but reduce-only after the trigger
    h.transport.posts.forEach((p, i) => {
      if (this.triggeredAtPost >= 0 && i >= this.triggeredAtPost) {
        for (const w of postOrders(p)) if (!w.reduceOnly) fail(`post #${i} after trigger carries new order ${w.cloid}`);
      }
      if (p.latchedAtPost) for (const w of postOrders(p)) if (!w.reduceOnly) fail(`post #${i} sent while latched with a new order`);
    });
    // 2. one nonce per post, no empty post
    if (h.wire.nonces.length !== h.transport.posts.length) fail(`nonces ${h.wire.nonces.length} ≠ posts ${h.transport.posts.length}`);
    for (const p of h.transport.posts) {
      const a = p.req.action as { orders?: unknown[]; cancels?: unknown[] };
      if ((a.orders ?? a.cancels ?? []).length === 0) fail('an empty batch was signed and sent');
      if (a.orders && typeof p.req.expiresAfter !== 'number') fail('order action without expiresAfter');
    }
    // 3. pending market ⇒ a pending order in that market
    const live = new Set<PendingOrder>();
    for (const o of h.scheduler.queuedOrders()) live.add(o);
    for (const p of h.transport.open()) for (const w of postOrders(p)) live.add(this.order(w.cloid!)!);
    for (const m of h.tracker.queuedMessages()) {
      if ('order' in m && m.order) live.add(m.order);
      if (m.type === 'unknownOutcome') for (const o of m.orders) live.add(o);
    }
    for (const c of h.tracker.allPendingCloids()) live.add(h.tracker.getOrder(c)!);
    for (const market of h.tracker.marketsWithPendingOrders()) {
      if (![...live].some((o) => o.market === market)) fail(`market ${market} marked pending with no pending order`);
    }
    // 4. exposure held = exposure counted
    for (const mk of MARKETS) {
      const rec = h.markets.get(mk.coin)!;
      const held = h.accepted.filter((o) => o.market === mk.coin).reduce((a, o) => a + o.heldFx, 0n);
      if (held !== rec.pendFx) fail(`${mk.coin}: pending size ${rec.pendFx} but orders hold ${held}`);
    }
    // 5. after the trigger no registered new order is still queued, and no new order gets registered
    if (h.latch.isTriggered()) {
      for (const c of h.tracker.allPendingCloids()) {
        const o = h.tracker.getOrder(c)!;
        if (!o.reduceOnly && o.state === 'queued') fail(`new order ${c} registered and queued after the trigger`);
        if (!o.reduceOnly && this.registeredAtTrigger && !this.registeredAtTrigger.has(c)) fail(`new order ${c} registered after the trigger`);
        // 6. a new order on the book while HardStop holds has its cancel queued or in flight
        if (!o.reduceOnly && o.state === 'resting' && (o.cancelAttempts ?? 0) < 3 && !this.cancelPending(c)) fail(`resting new order ${c} has no cancel after the trigger`);
      }
    }
  }

  /** Let everything settle: answer every post, fill what the venue said filled, cancel what rests. */
  async settle(): Promise<void> {
    const h = this.h;
    for (let round = 0; round < 50; round++) {
      h.tracker.drain();
      while (h.loop.tick().sent) {
        /* drain the scheduler */
      }
      const open = h.transport.open();
      for (const p of open) this.respond(p, 2); // errors/filled/resting mix, never transport loss
      await macrotask();
      h.tracker.drain();
      let moved = open.length > 0;
      for (const c of h.tracker.allPendingCloids()) {
        const o = h.tracker.getOrder(c)!;
        if (o.state === 'awaitingFills' || o.state === 'inflight') {
          this.fill(o, false);
          moved = true;
        } else if (o.state === 'resting' || o.state === 'unknown') {
          h.tracker.post({ type: 'orderUpdate', u: { coin: o.market, oid: o.oid ?? this.oid++, cloid: o.cloid, status: 'canceled', time: h.clock() } });
          moved = true;
        }
      }
      h.tracker.drain();
      this.check(`settle round ${round}`);
      if (!moved && h.transport.open().length === 0 && h.scheduler.queuedOrders().length === 0 && h.tracker.queued === 0) break;
    }
  }

  final(): void {
    const h = this.h;
    const dropped = h.events.filter((e) => e.type === 'cancelled' && (e.reason === 'hardStopPurge' || e.reason === 'preSendGuard'));
    const sentCloids = new Set(this.sentOrders().map((o) => o.cloid));
    for (const e of dropped) {
      const cloid = (e as { cloid: string }).cloid;
      const o = this.order(cloid)!;
      if (sentCloids.has(cloid)) throw new Error(`dropped order ${cloid} was sent`);
      if (h.tracker.getOrder(cloid)) throw new Error(`dropped order ${cloid} is still registered`);
      if (o.heldFx !== 0n) throw new Error(`dropped order ${cloid} still holds exposure`);
    }
    const pending = h.tracker.marketsWithPendingOrders();
    const stuck = h.tracker.allPendingCloids().filter((c) => h.tracker.getOrder(c)!.state !== 'queued' || h.scheduler.queuedOrders().length > 0);
    if (h.scheduler.queuedOrders().length === 0 && h.transport.open().length === 0) {
      if (pending.length > 0) throw new Error(`after settling, markets still pending: ${pending.join(',')} (orders: ${stuck.join(',')})`);
      for (const mk of MARKETS) if (h.markets.get(mk.coin)!.pendFx !== 0n) throw new Error(`${mk.coin} still holds pending size after settling`);
    }
  }
}

const RUNS = Number(process.env.HLX_RACE_RUNS ?? 10_000);

test(`HardStop race: ${RUNS} random interleavings keep every invariant`, async () => {
  let triggeredRuns = 0;
  let droppedTotal = 0;
  let deferredTotal = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(cmdArb, { minLength: 1, maxLength: 60 }), fc.option(fc.nat(), { freq: 10 }), async (cmds, triggerAt) => {
      const run = new Run();
      // make sure the trigger lands at an arbitrary point in most runs
      const seq: Cmd[] = [...cmds];
      if (triggerAt !== null) seq.splice(triggerAt % (seq.length + 1), 0, { t: 'trigger' });
      for (let i = 0; i < seq.length; i++) {
        await run.step(seq[i]);
        run.check(`after step ${i} (${seq[i].t})`);
      }
      await run.settle();
      run.final();
      if (run.h.latch.isTriggered()) triggeredRuns++;
      droppedTotal += run.h.events.filter((e) => e.type === 'cancelled' && e.reason !== 'cancel').length;
      deferredTotal += run.h.tracker.stats.registeredDeferred + run.h.tracker.stats.deferredRefused;
    }),
    {
      numRuns: RUNS,
      seed: process.env.HLX_RACE_SEED ? Number(process.env.HLX_RACE_SEED) : undefined,
      path: process.env.HLX_RACE_PATH,
      endOnFailure: true,
    },
  );
  // the generator really exercised the interesting paths
  expect(triggeredRuns).toBeGreaterThan(RUNS / 2);
  expect(droppedTotal).toBeGreaterThan(0);
  expect(deferredTotal).toBeGreaterThan(0);
}, 300_000);

const RUNS_INFLIGHT = Number(process.env.HLX_RACE_RUNS_INFLIGHT ?? 5_000);

/**
 * Directed: orders are in flight when the trigger fires, then responses, cancels, order updates and
 * actor steps interleave at random — cancels that overtake their orders, orders that rest after the
 * stop, deferred registrations refused under the latch.
 */
test(`HardStop race, orders in flight at the trigger: ${RUNS_INFLIGHT} interleavings`, async () => {
  const after: fc.Arbitrary<Cmd> = fc.oneof(
    { weight: 4, arbitrary: fc.constant({ t: 'process' as const }) },
    { weight: 3, arbitrary: fc.constant({ t: 'tick' as const }) },
    { weight: 3, arbitrary: fc.record({ t: fc.constant('respond' as const), k: fc.nat(7), mode: fc.nat(4) }) },
    { weight: 3, arbitrary: fc.record({ t: fc.constant('respondLast' as const), mode: fc.nat(4) }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('fill' as const), k: fc.nat(7), part: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('update' as const), k: fc.nat(7), status: fc.constantFrom('open' as const, 'canceled' as const, 'filled' as const) }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('signal' as const), m: fc.nat(2), buy: fc.boolean(), ro: fc.boolean() }) },
  );
  const prefix: fc.Arbitrary<Cmd[]> = fc.array(
    fc.oneof(
      fc.record({ t: fc.constant('signal' as const), m: fc.nat(2), buy: fc.boolean(), ro: fc.constant(false) }),
      fc.record({ t: fc.constant('reentrant' as const), m: fc.nat(2), buy: fc.boolean(), ro: fc.constant(false) }),
      fc.constant({ t: 'tick' as const }),
      fc.constant({ t: 'process' as const }),
    ),
    { minLength: 2, maxLength: 8 },
  );
  let restedAfterStop = 0;
  await fc.assert(
    fc.asyncProperty(prefix, fc.array(after, { minLength: 1, maxLength: 30 }), async (pre, post) => {
      const run = new Run();
      const seq: Cmd[] = [...pre, { t: 'tick' }, { t: 'trigger' }, ...post];
      for (let i = 0; i < seq.length; i++) {
        await run.step(seq[i]);
        run.check(`after step ${i} (${seq[i].t})`);
        for (const o of run.h.accepted) if (!o.reduceOnly && o.state === 'resting' && (o.cancelAttempts ?? 0) > 1) restedAfterStop++;
      }
      await run.settle();
      run.final();
    }),
    {
      numRuns: RUNS_INFLIGHT,
      seed: process.env.HLX_RACE_SEED ? Number(process.env.HLX_RACE_SEED) : undefined,
      path: process.env.HLX_RACE_PATH,
      endOnFailure: true,
    },
  );
  // the retried-cancel path really ran
  expect(restedAfterStop).toBeGreaterThan(0);
}, 300_000);
