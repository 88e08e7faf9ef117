/**
 * Hot-path benchmark: 100 markets, 1,000 pending orders.
 *  - Executor.onSignal latency p50/p99 and signals/s (goal: p99 < 10 µs, ≥ 500,000 signals/s on one core)
 *    for a signal that runs every gate (ends at PendingOrder) and for one that is accepted
 *    (mark pending, hold exposure, register, enqueue);
 *  - ExecutorLoop.tick() to a signed 40-order batch, p50/p99 (the production wire: venue formatting,
 *    msgpack, keccak, secp256k1 signature);
 *  - heap in use.
 * Run: npx tsx bench/hotpath.bench.ts  → .run/bench/hotpath.json
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ActionBudget } from '../src/executor/action-budget';
import { BatchScheduler } from '../src/executor/batch-scheduler';
import { Executor, orderControlsFrom } from '../src/executor/executor';
import { ExecutorLoop } from '../src/executor/executor-loop';
import { HardStopLatch } from '../src/executor/latch';
import type { ExchangeResponseLike, WirePort } from '../src/executor/ports';
import { Readiness } from '../src/executor/readiness';
import { usdToNotional } from '../src/state/fixed';
import { manualSchedule } from '../src/state/mailbox';
import { MarketStateCache } from '../src/state/market-state';
import type { PendingOrder } from '../src/state/order';
import { PositionTracker } from '../src/state/position-tracker';
import { benchWire } from './hotpath-wire';

const T_END = Date.now() + 55_000;
const rows: { metric: string; value: number; unit: string; goal?: string }[] = [];
const log = (s: string) => process.stdout.write(s + '\n');

function pct(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

function build(wire: WirePort) {
  const now = Date.now();
  const clock = () => now;
  const latch = new HardStopLatch(clock);
  const markets = new MarketStateCache(60_000);
  const coins: string[] = [];
  for (let i = 0; i < 100; i++) {
    const coin = `C${i}`;
    coins.push(coin);
    markets.define({ coin, asset: i, szDecimals: 3 });
    markets.updateCtx(coin, { markPx: String(100 + i), midPx: String(100 + i) }, now);
  }
  const tracker = new PositionTracker(markets, latch, {}, manualSchedule);
  const readiness = new Readiness();
  for (const f of ['socketUp', 'snapshotsLoaded', 'positionsSynced', 'tradingAllowed'] as const) readiness.set(f, true);
  const scheduler = new BatchScheduler(latch, { maxOrdersPerAction: 40, maxCancelsPerAction: 200 });
  const executor = new Executor({
    maxNotionalPerMarket: usdToNotional('1000000000'),
    maxNotionalTotal: usdToNotional('100000000000'),
    markets,
    tracker,
    scheduler,
    latch,
    readiness,
    budget: new ActionBudget({ ordersPerSecond: 1e12, orderBurst: 1e9, venueOrdersPerMinute: 1e12 }, now),
    clock,
    cloidPrefix: 'beefbeefbeefbeef',
    // issue #13's erroneous-order controls, all evaluated (every signal below is within them)
    controls: orderControlsFrom({
      priceBandBps: 300,
      reduceOnlyPriceBandBps: 1_000,
      maxOrderNotionalUsd: '100000',
      maxOrderSize: Object.fromEntries(coins.map((c) => [c, '1000'])),
      maxOpenOrdersPerMarket: 20,
    }),
  });
  const ok: ExchangeResponseLike = { status: 'ok', response: { type: 'order', data: { statuses: [] } } };
  const loop = new ExecutorLoop({
    scheduler,
    latch,
    executor,
    tracker,
    wire,
    transport: { post: async () => ok },
    clock,
    expiresAfterMs: 5000,
    maxInFlightPosts: 1e9,
  });
  // 1,000 pending orders: 10 per market, held in the exposure sums, markets marked pending
  let n = 0;
  for (const coin of coins) {
    const rec = markets.get(coin)!;
    for (let k = 0; k < 10; k++) {
      const o: PendingOrder = {
        cloid: '0x' + 'f'.repeat(16) + (n++).toString(16).padStart(16, '0'),
        market: coin,
        rec,
        isBuy: true,
        size: '0.5',
        sizeFx: 50_000_000n,
        limitPx: rec.markPx!,
        tif: 'Gtc',
        reduceOnly: false,
        intendedPx: undefined,
        acceptedAt: now,
        state: 'resting',
        oid: n,
        filledFx: 0n,
        expectedFillFx: undefined,
        heldFx: 0n,
        cancelQueued: false,
      };
      tracker.markPending(coin);
      tracker.holdExposure(o);
      tracker.registerOrder(o);
    }
  }
  // account-wide exposure: positions and someone else's resting orders in 20 markets the session
  // does not trade (priced by allMids), so the total's stale-mark check has exposed markets to watch
  const mids: Record<string, string> = {};
  const positions: { coin: string; szi: string }[] = [];
  const foreign = [];
  for (let i = 0; i < 20; i++) {
    mids[`U${i}`] = String(10 + i);
    positions.push({ coin: `U${i}`, szi: '-3' });
    foreign.push({ oid: 900_000 + i, coin: `U${i}`, sz: '2', side: 'B' as const, limitPx: '9' });
  }
  tracker.post({ type: 'positions', positions, at: now, venueTime: now });
  tracker.post({ type: 'reconcile', open: foreign, at: now, olderThanMs: 6_000 });
  tracker.drain();
  markets.updateMids(mids, now);
  if (tracker.foreign.size !== 20 || tracker.exposure.unpricedExposed !== 0) throw new Error('bench set-up: foreign exposure not in place');
  return { executor, tracker, scheduler, loop, coins, markets };
}

async function main() {
  log(`hot-path benchmark on ${process.version}, 100 markets, 1,000 pending orders, erroneous-order controls on, 20 untraded markets exposed`);
  const w = benchWire();
  log(`wire: ${w.name}`);
  const b = build(w.wire);
  const N_SIG = 200;
  const signals = Array.from({ length: N_SIG }, (_, i) => ({
    market: b.coins[i % 100],
    side: i % 2 ? 'buy' : 'sell',
    size: '0.25',
    limitPx: String(100 + (i % 100)),
    tif: 'Gtc',
  }));

  // ---- all gates evaluated (ends at PendingOrder: every market has pending orders) ----
  for (let i = 0; i < 200_000; i++) b.executor.onSignal(signals[i % N_SIG]); // warm-up
  const M = 300_000;
  const lat = new Float64Array(M);
  for (let i = 0; i < M; i++) {
    const t0 = process.hrtime.bigint();
    b.executor.onSignal(signals[i % N_SIG]);
    lat[i] = Number(process.hrtime.bigint() - t0);
  }
  lat.sort();
  const TH = 1_000_000;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < TH; i++) b.executor.onSignal(signals[i % N_SIG]);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const gatedRate = TH / secs;
  log(`onSignal (all six gates, skipped at PendingOrder): p50 ${(pct(lat, 0.5) / 1000).toFixed(2)} µs  p99 ${(pct(lat, 0.99) / 1000).toFixed(2)} µs  ${Math.round(gatedRate).toLocaleString()} signals/s`);
  rows.push({ metric: 'onSignal p50 (all gates)', value: pct(lat, 0.5) / 1000, unit: 'µs' });
  rows.push({ metric: 'onSignal p99 (all gates)', value: pct(lat, 0.99) / 1000, unit: 'µs', goal: '< 10 µs' });
  rows.push({ metric: 'onSignal throughput (all gates)', value: Math.round(gatedRate), unit: 'signals/s', goal: '≥ 500,000 signals/s' });

  // ---- accepted: a free market each time (one market is freed, signalled, then cleaned outside the timing) ----
  const freeRec = b.markets.get('C0')!;
  const acc = new Float64Array(100_000);
  const accSig = { market: 'C0', side: 'buy', size: '0.001', limitPx: '100', tif: 'Gtc' };
  // free C0: drop its registered orders
  for (const c of b.tracker.allPendingCloids()) {
    const o = b.tracker.getOrder(c)!;
    if (o.market === 'C0') b.tracker.removeOrder(o);
  }
  const cleanup = () => {
    const q = b.scheduler.dropNewOrders();
    for (const d of q) b.tracker.removeOrder(d.order);
  };
  for (let i = 0; i < 50_000; i++) {
    b.executor.onSignal(accSig);
    cleanup();
  }
  for (let i = 0; i < acc.length; i++) {
    const s = process.hrtime.bigint();
    const r = b.executor.onSignal(accSig);
    acc[i] = Number(process.hrtime.bigint() - s);
    if (r.status !== 'Accepted') throw new Error(`expected Accepted, got ${JSON.stringify(r)}`);
    cleanup();
  }
  acc.sort();
  // throughput of accepted signals: 100 per round (accepts, then cleanup untimed)
  let accTime = 0n;
  let accN = 0;
  while (accN < 300_000) {
    const s = process.hrtime.bigint();
    for (let k = 0; k < 100; k++) if (b.executor.onSignal(accSig) && k < 99) b.tracker.unmarkPending('C0');
    accTime += process.hrtime.bigint() - s;
    accN += 100;
    cleanup();
  }
  const accRate = accN / (Number(accTime) / 1e9);
  log(`onSignal (accepted: mark pending, register, enqueue):  p50 ${(pct(acc, 0.5) / 1000).toFixed(2)} µs  p99 ${(pct(acc, 0.99) / 1000).toFixed(2)} µs  ${Math.round(accRate).toLocaleString()} signals/s`);
  rows.push({ metric: 'onSignal p50 (accepted)', value: pct(acc, 0.5) / 1000, unit: 'µs' });
  rows.push({ metric: 'onSignal p99 (accepted)', value: pct(acc, 0.99) / 1000, unit: 'µs', goal: '< 10 µs' });
  rows.push({ metric: 'onSignal throughput (accepted)', value: Math.round(accRate), unit: 'signals/s', goal: '≥ 500,000 signals/s' });
  void freeRec;

  // ---- tick() to a signed 40-order batch ----
  const ticks: number[] = [];
  const enqueue40 = () => {
    for (let k = 0; k < 40; k++) {
      b.tracker.unmarkPending('C0');
      const r = b.executor.onSignal({ market: 'C0', side: k % 2 ? 'buy' : 'sell', size: '0.137', limitPx: '100.1234', tif: 'Gtc' });
      if (r.status !== 'Accepted') throw new Error(JSON.stringify(r));
    }
  };
  for (let i = 0; i < 20; i++) {
    enqueue40();
    b.loop.tick();
  }
  while (ticks.length < 2000 && Date.now() < T_END) {
    enqueue40();
    const s = process.hrtime.bigint();
    const out = b.loop.tick();
    ticks.push(Number(process.hrtime.bigint() - s));
    if (!out.sent || out.count !== 40) throw new Error('expected a 40-order batch');
    if (ticks.length % 200 === 0) await new Promise((r) => setImmediate(r)); // let responses settle
  }
  const tk = Float64Array.from(ticks).sort();
  log(`tick() → signed 40-order batch (${tk.length} samples): p50 ${(pct(tk, 0.5) / 1000).toFixed(1)} µs  p99 ${(pct(tk, 0.99) / 1000).toFixed(1)} µs`);
  rows.push({ metric: `tick() to a signed 40-order batch p50 (${w.name})`, value: pct(tk, 0.5) / 1000, unit: 'µs' });
  rows.push({ metric: `tick() to a signed 40-order batch p99 (${w.name})`, value: pct(tk, 0.99) / 1000, unit: 'µs' });

  (globalThis as { gc?: () => void }).gc?.();
  const heap = process.memoryUsage().heapUsed / (1024 * 1024);
  log(`heap in use: ${heap.toFixed(1)} MiB`);
  rows.push({ metric: 'heap in use (100 markets, 1,000 pending orders)', value: Math.round(heap * 10) / 10, unit: 'MiB' });

  const out = path.join(__dirname, '..', '.run', 'bench');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'hotpath.json'), JSON.stringify({ name: 'hotpath', rows }, null, 2));
  log(`wrote ${path.join(out, 'hotpath.json')}`);
  _ = b;
}
let _: unknown;

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
