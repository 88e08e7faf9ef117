/**
 * HardStop trigger → first cancel on the wire, the hot path alone (no Temporal in between).
 *
 * Against the embedded simulator over a real WebSocket: each run builds a fresh hot path (the
 * latch is one-way), rests a few GTC orders far from the mid, then triggers HardStop(Operator)
 * and measures until the signed cancel action is handed to the socket (transport.post, after
 * building and signing). Also: trigger → the venue's answer to that cancel (a WS round trip).
 * ≥ 20 runs, p50/p99. Goal: first cancel < 5 ms.
 * stop (#10): each run also holds a position in two markets; the hot path closes them from memory
 * (reduce-only IOC right after the cancels): trigger → the venue's answer that every position is
 * closed (verified from the simulator's books). Goal p50 < 20 ms on loopback.
 *
 * Run: npx tsx bench/hotpath-stop.bench.ts  → .run/bench/hotpath-stop.json
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Wallet } from 'ethers';
import { parseSessionConfig } from '../src/config/session';
import { createHotPath, type HotPath } from '../src/executor/hot-path';
import type { ExchangeRequestLike, ExchangeResponseLike } from '../src/executor/ports';
import { Signer } from '../src/exchange/hyperliquid/signer';
import { startSimulator } from '../src/sim';
import { positionsFrom } from '../src/exchange/hyperliquid/user-feed';
import { VenueClient } from '../src/exchange/hyperliquid/venue-client';
import { kickOnHardStop, marketsFromMeta } from '../workers/hotpath-worker';
import { createWireFor } from '../workers/venue-port';

const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const RESTING = 1;
/** markets held as positions at the trigger (the others rest an order) */
const HELD = 2;
/** first runs warm the JIT and the connection; not recorded */
const WARMUP = 3;
const rows: { metric: string; value: number; unit: string; goal?: string }[] = [];
const log = (s: string) => process.stdout.write(s + '\n');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

async function main(): Promise<void> {
  const wallet = Wallet.createRandom();
  const signer = Signer.fromPrivateKey(wallet.privateKey);
  const address = signer.address.toLowerCase();
  const sim = await startSimulator({ port: 0, seed: 7, fund: { [address]: '1000000' } });
  const config = parseSessionConfig({
    account: { address },
    venue: { network: 'sim', httpUrl: sim.httpUrl, wsUrl: sim.wsUrl },
    signer: { privateKeyEnv: 'HL_PRIVATE_KEY' },
    markets: ['BTC', 'ETH', 'SOL'],
    strategy: { kind: 'demo' },
    limits: { maxNotionalPerMarketUsd: '100000', maxNotionalTotalUsd: '300000', ordersPerSecond: 1000, orderBurst: 1000 },
    risk: { maxCumulativeLossUsd: '100000', maxConsecutiveLosses: 1000, rejectBurstCount: 1000, rejectWindowMs: 1000, maxFillSlippageBps: 10000, maxDisconnectMs: 60000 },
    goNoGo: { checkpoints: [{ trades: 1000000, minMeanEdgeBps: -100000, maxMeanSlippageBps: 100000, minPnlCumulativeUsd: '-1000000' }] },
    executor: { tickIntervalMs: 20 },
  });
  const venue = new VenueClient({ httpUrl: sim.httpUrl, wsUrl: sim.wsUrl });
  await venue.connect();
  const markets = marketsFromMeta(await venue.meta(), config.markets);
  const wire = await createWireFor(config, signer);

  let hp: HotPath | null = null;
  const feed = venue.userFeed(
    address,
    {
      onFill: (f) => hp?.onFill(f),
      onOrderUpdate: (u) => hp?.onOrderUpdate(u),
      onPositions: (p) => hp?.onPositions(p),
      onOpenOrders: (o) => hp?.onOpenOrders(o),
      onMark: (m) => hp?.onMarkUpdate(m),
      onMids: (m) => hp?.onMids(m),
    },
    { coins: config.markets },
  );

  // the transport the hot path posts through, timing the first cancel of each run
  let t0 = 0;
  let firstCancelAt = 0;
  let cancelAckAt = 0;
  let flattenAckAt = 0;
  const transport = {
    async post(req: ExchangeRequestLike): Promise<ExchangeResponseLike> {
      const type = (req.action as { type: string }).type;
      const isCancel = type === 'cancel' || type === 'cancelByCloid';
      if (isCancel && t0 && !firstCancelAt) firstCancelAt = performance.now();
      const r = await venue.post(req);
      if (isCancel && t0 && !cancelAckAt) cancelAckAt = performance.now();
      const a = req.action as { type: string; orders?: { r?: boolean }[] };
      if (type === 'order' && t0 && !flattenAckAt && (a.orders ?? []).every((o) => o.r === true)) flattenAckAt = performance.now();
      return r;
    },
  };

  const toCancel: number[] = [];
  const toAck: number[] = [];
  const toClosed: number[] = [];
  let notClosed = 0;
  for (let run = 0; run < RUNS + WARMUP; run++) {
    t0 = firstCancelAt = cancelAckAt = flattenAckAt = 0;
    const h = createHotPath({
      config,
      markets,
      wire,
      transport,
      hardStopPort: { signalHardStop: async () => {} },
      alert: { alert: () => {} },
      strategy: { name: 'idle', onTick: () => [] },
    });
    kickOnHardStop(h);
    hp = h;
    h.onSocketState({ up: venue.socketUp(), at: Date.now() });
    const oo = await venue.openOrders(address);
    h.onOpenOrders({ orders: oo.map((o) => ({ oid: o.oid, cloid: o.cloid ?? null })), at: Date.now() });
    h.onPositions(positionsFrom(await venue.clearinghouseState(address), Date.now()));
    h.setTradingAllowed(true);
    h.start();
    await waitFor(() => h.readiness.ready, 10_000, 'READY (marks, positions, socket)');

    // hold a position in the first markets (marketable IOC buys), then rest a GTC bid in the next
    for (const coin of config.markets.slice(0, HELD)) {
      const rec = h.marketState.get(coin)!;
      const mid = Number(rec.midPx ?? rec.markPx);
      const px = (mid * 1.01).toPrecision(5);
      const sz = (20 / mid).toFixed(rec.szDecimals);
      const res = h.submitSignal({ market: coin, side: 'buy', size: sz, limitPx: px, tif: 'Ioc' });
      if (res.status !== 'Accepted') throw new Error(`opening order not accepted: ${JSON.stringify(res)}`);
    }
    await waitFor(() => h.tracker.allPositions().length >= HELD && !h.tracker.marketsWithPendingOrders().length, 5_000, 'positions held');
    // rest a GTC bid 10% under the mid (one pending order per market)
    const posted = h.loop.stats.posts ?? 0;
    for (const coin of config.markets.slice(HELD, HELD + RESTING)) {
      const rec = h.marketState.get(coin)!;
      const mid = Number(rec.midPx ?? rec.markPx);
      const px = (mid * 0.9).toPrecision(5);
      const sz = (20 / Number(px)).toFixed(rec.szDecimals);
      const res = h.submitSignal({ market: coin, side: 'buy', size: sz, limitPx: px, tif: 'Gtc' });
      if (res.status !== 'Accepted') throw new Error(`resting order not accepted: ${JSON.stringify(res)}`);
    }
    await waitFor(() => h.tracker.ordersPossiblyLive().length >= RESTING && h.loop.postsInFlight === 0 && (h.loop.stats.posts ?? 0) > posted, 5_000, 'resting orders acknowledged');
    await sleep(20);

    t0 = performance.now();
    h.hardStop('Operator', 'bench');
    await waitFor(() => cancelAckAt > 0 && flattenAckAt > 0, 5_000, 'cancel and flatten answers');
    const held = (await sim.admin.state(address)).positions.filter((p) => Number(p.szi) !== 0).length;
    if (held > 0) notClosed++;
    if (run >= WARMUP) {
      toCancel.push(firstCancelAt - t0);
      toAck.push(cancelAckAt - t0);
      toClosed.push(flattenAckAt - t0);
    }
    h.stop();
    await waitFor(() => h.tracker.ordersPossiblyLive().length === 0, 5_000, 'orders cancelled');
  }

  const st = await sim.admin.state(address);
  const openLeft = (st as { openOrders?: unknown[] }).openOrders?.length ?? 0;
  feed.stop();
  await venue.close();
  await sim.stop();

  const a = [...toCancel].sort((x, y) => x - y);
  const b = [...toAck].sort((x, y) => x - y);
  rows.push({ metric: 'HardStop trigger → first cancel on the wire p50', value: +pct(a, 0.5).toFixed(3), unit: 'ms', goal: '< 5 ms' });
  rows.push({ metric: 'HardStop trigger → first cancel on the wire p99', value: +pct(a, 0.99).toFixed(3), unit: 'ms', goal: '< 5 ms' });
  rows.push({ metric: 'HardStop trigger → cancel acknowledged by the venue p50', value: +pct(b, 0.5).toFixed(3), unit: 'ms' });
  rows.push({ metric: 'HardStop trigger → cancel acknowledged by the venue p99', value: +pct(b, 0.99).toFixed(3), unit: 'ms' });
  const c = [...toClosed].sort((x, y) => x - y);
  rows.push({ metric: `HardStop trigger → every position closed on the venue (hot-path flatten, ${HELD} positions) p50`, value: +pct(c, 0.5).toFixed(3), unit: 'ms', goal: '< 20 ms' });
  rows.push({ metric: `HardStop trigger → every position closed on the venue (hot-path flatten, ${HELD} positions) p99`, value: +pct(c, 0.99).toFixed(3), unit: 'ms' });
  rows.push({ metric: 'runs where a position was left after the hot-path flatten', value: notClosed, unit: 'count', goal: '0' });
  rows.push({ metric: 'runs', value: RUNS, unit: 'count', goal: '≥ 20' });
  rows.push({ metric: 'open orders left on the venue after the runs', value: openLeft, unit: 'count', goal: '0' });

  log(`hotpath-stop: ${RUNS} runs (+${WARMUP} warm-up) against the simulator (WebSocket post), ${RESTING} resting orders each`);
  log('| metric | value | unit | goal |');
  log('|---|---|---|---|');
  for (const r of rows) log(`| ${r.metric} | ${r.value} | ${r.unit} | ${r.goal ?? ''} |`);
  const dir = path.join(__dirname, '..', '.run', 'bench');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'hotpath-stop.json'), JSON.stringify({ name: 'hotpath-stop', rows }, null, 2));
  if (openLeft !== 0 || notClosed !== 0) process.exitCode = 1;
}

main().catch((e) => {
  console.error(`hotpath-stop bench: ${(e as Error).stack ?? e}`);
  process.exit(1);
});
