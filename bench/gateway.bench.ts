/**
 * The signal gateway on loopback: a strategy process (bench/gateway-client.ts, its own process and
 * event loop) sends a signal and waits for the gate result, one at a time, then cancels the order
 * (still queued: the executor loop is not running, so nothing reaches a venue) and waits for that
 * answer — p50/p99 of each round trip, over a real hot path (production wire, every gate). Then the
 * gateway pushes `filled` events to that one client as fast as it reads them: events per second.
 * Goal: signal → gate result p99 < 1 ms.
 *
 * Run: npx tsx bench/gateway.bench.ts  → .run/bench/gateway.json
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { parseSessionConfig } from '../src/config/session';
import { createHotPath } from '../src/executor/hot-path';
import { hostFromHotPath } from '../src/gateway/host';
import { parseClientFrame } from '../src/gateway/protocol';
import { startGateway } from '../src/gateway/server';
import { performance } from 'node:perf_hooks';
import type { StrategyEvent } from '../src/strategy/events';
import { setLogSink } from '../src/util/log';
import { benchWire } from './hotpath-wire';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5_000);
const WARMUP = 1_000;
const EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
const rows: { metric: string; value: number | string; unit: string; goal?: string }[] = [];
const log = (s: string) => process.stdout.write(s + '\n');

const MARKETS = [
  { coin: 'BTC', asset: 0, szDecimals: 5, mark: '97000' },
  { coin: 'ETH', asset: 1, szDecimals: 4, mark: '3600' },
  { coin: 'SOL', asset: 2, szDecimals: 2, mark: '240' },
];

async function main(): Promise<void> {
  setLogSink({ write: () => {} });
  const token = randomBytes(16).toString('hex');
  const config = parseSessionConfig({
    account: { address: '0x' + '1'.repeat(40) },
    venue: { network: 'sim', httpUrl: 'http://127.0.0.1:1', wsUrl: 'ws://127.0.0.1:1/ws' },
    signer: { privateKeyEnv: 'HL_PRIVATE_KEY' },
    markets: MARKETS.map((m) => m.coin),
    strategy: { kind: 'external' },
    gateway: { listen: { port: 0 }, tokenEnv: 'HLX_BENCH_GATEWAY_TOKEN', maxMessagesPerSecond: 1e9, messageBurst: 1e9 },
    limits: { maxNotionalPerMarketUsd: '1000000', maxNotionalTotalUsd: '3000000', ordersPerSecond: 1e9, orderBurst: 1e9, venueOrdersPerMinute: 1e9 },
    risk: { maxCumulativeLossUsd: '1000', maxConsecutiveLosses: 100, rejectBurstCount: 100, rejectWindowMs: 1000, maxFillSlippageBps: 10_000, maxDisconnectMs: 60_000 },
    goNoGo: { checkpoints: [{ trades: 1_000_000, minMeanEdgeBps: -1e6, maxMeanSlippageBps: 1e6, minPnlCumulativeUsd: '-1000000' }] },
  });
  const hp = createHotPath({
    config,
    markets: MARKETS.map(({ coin, asset, szDecimals }) => ({ coin, asset, szDecimals })),
    wire: benchWire().wire,
    transport: { post: () => Promise.reject(new Error('the bench sends nothing')) },
    hardStopPort: { signalHardStop: async () => {} },
    alert: { alert: () => {} },
  });
  const marks = () => {
    for (const m of MARKETS) hp.onMarkUpdate({ coin: m.coin, markPx: m.mark, midPx: m.mark, at: Date.now() });
  };
  hp.onSocketState({ up: true, at: Date.now() });
  hp.onPositions({ positions: [], at: Date.now() });
  marks();
  hp.setTradingAllowed(true);
  await new Promise((r) => setImmediate(r));
  const markTimer = setInterval(marks, 1_000);
  if (hp.status().phase !== 'READY_TRADING') throw new Error(`the bench hot path is ${hp.status().phase}`);

  const gw = await startGateway({ config: config.gateway!, host: hostFromHotPath('bench', () => hp), token });
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'gateway-client.ts'), gw.url, String(ROUNDS), String(WARMUP), String(EVENTS)], {
    env: { ...process.env, HLX_BENCH_GATEWAY_TOKEN: token },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = readline.createInterface({ input: child.stdout! });
  const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  let rtt: { signal: [number, number]; cancel: [number, number]; mix: Record<string, number> } | undefined;
  let ev: { count: number; ms: number } | undefined;
  for await (const l of lines) {
    const m = JSON.parse(l);
    if (m.phase === 'rtt') {
      rtt = m;
      // the events: as fast as the client reads them (never more than 1 MiB unread)
      const fill: StrategyEvent = { type: 'filled', at: Date.now(), coin: 'BTC', cloid: '0x' + 'ab'.repeat(16), oid: 123456, tid: 0, side: 'B', px: '97000.5', sz: '0.00123', fee: '0.0123', closedPnl: '0', intendedPx: '97000' };
      let sent = 0;
      const pump = () => {
        while (sent < EVENTS && gw.backlogBytes < 1 << 20) {
          gw.publish({ ...fill, tid: sent++ } as StrategyEvent);
        }
        if (sent < EVENTS) setImmediate(pump);
      };
      pump();
    } else if (m.phase === 'events') ev = m;
  }
  const code = await exited;
  clearInterval(markTimer);
  await gw.close();
  if (code !== 0 || !rtt || !ev) throw new Error(`the client exited ${code}`);

  // the gateway's own share of a round trip, without sockets: parse the frame, the gates, the answer
  // serialized (what runs between a frame arriving and its answer handed to the socket)
  const handling: number[] = [];
  const sizes = ['0.001', '0.01', '0.1'];
  for (let i = 0; i < 20_000; i++) {
    const text = JSON.stringify({ type: 'signal', id: i, signal: { market: MARKETS[i % 3].coin, side: 'buy', size: sizes[i % 3], limitPx: '1000', tif: 'Alo' } });
    const t0 = performance.now();
    const p = parseClientFrame(text);
    if (!p.ok || p.frame.type !== 'signal') throw new Error('bench frame did not parse');
    const result = hp.submitSignal(p.frame.signal);
    JSON.stringify({ type: 'result', id: p.frame.id, result });
    const t1 = performance.now();
    if (result.status === 'Accepted') hp.cancelOrder({ cloid: result.cloid });
    if (i >= 2_000) handling.push((t1 - t0) * 1000);
  }
  handling.sort((a, b) => a - b);
  const at = (p: number) => handling[Math.min(handling.length - 1, Math.floor(handling.length * p))];

  const f = (x: number) => +x.toFixed(3);
  rows.push({ metric: 'signal → gate result round trip p50 (loopback, client in its own process)', value: f(rtt.signal[0]), unit: 'ms' });
  rows.push({ metric: 'signal → gate result round trip p99 (loopback, client in its own process)', value: f(rtt.signal[1]), unit: 'ms', goal: '< 1 ms' });
  rows.push({ metric: 'cancel → cancel result round trip p50', value: f(rtt.cancel[0]), unit: 'ms' });
  rows.push({ metric: 'cancel → cancel result round trip p99', value: f(rtt.cancel[1]), unit: 'ms' });
  rows.push({ metric: 'gateway handling per signal frame (parse, gates, answer serialized; no socket) p50', value: +at(0.5).toFixed(2), unit: 'µs' });
  rows.push({ metric: 'gateway handling per signal frame (parse, gates, answer serialized; no socket) p99', value: +at(0.99).toFixed(2), unit: 'µs' });
  rows.push({ metric: 'round trips measured (gate results)', value: Object.entries(rtt.mix).map(([k, v]) => `${v} ${k}`).join(', '), unit: '' });
  const bytes = Buffer.byteLength(JSON.stringify({ type: 'event', event: { type: 'filled', at: Date.now(), coin: 'BTC', cloid: '0x' + 'ab'.repeat(16), oid: 123456, tid: 100000, side: 'B', px: '97000.5', sz: '0.00123', fee: '0.0123', closedPnl: '0', intendedPx: '97000' } }));
  rows.push({ metric: `events pushed to one client (filled, ${bytes} B frames)`, value: Math.round(ev.count / (ev.ms / 1000)), unit: 'events/s' });

  // 2 shared cores: the tail of a loopback round trip is mostly the scheduler's, so say how busy the machine was
  rows.push({ metric: 'machine load average over the last minute (at the end of the run)', value: +os.loadavg()[0].toFixed(2), unit: `(${os.cpus().length} CPUs)` });

  log(`gateway: ${ROUNDS} round trips (+${WARMUP} warm-up), ${EVENTS} events`);
  log('| metric | value | unit | goal |');
  log('|---|---|---|---|');
  for (const r of rows) log(`| ${r.metric} | ${r.value} | ${r.unit} | ${r.goal ?? ''} |`);
  const dir = path.join(__dirname, '..', '.run', 'bench');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'gateway.json'), JSON.stringify({ name: 'gateway', rows }, null, 2));
}

main().catch((e) => {
  console.error(`gateway bench: ${(e as Error).stack ?? e}`);
  process.exit(1);
});
