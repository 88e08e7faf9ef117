/**
 * `npm run bench:sim` — the simulator's sustained orders per second on one core.
 *
 * The simulator runs alone in a child process (one event loop = one core) with rate limits
 * lifted; this process pre-signs every request first, then keeps a fixed number of requests in
 * flight over keep-alive HTTP (and WS post) and counts orders the simulator answered. Every
 * request is fully verified by the simulator: canonical hash rebuilt, signer recovered (secp256k1
 * ecrecover, the dominant cost), nonce checked, orders matched and booked.
 *
 * Rows: engine alone (no HTTP, no signature), HTTP 40-order IOC batches (the goal row, ≥ 2,000
 * orders/s), HTTP rest+cancel 40-order batches, WS post 40-order batches, HTTP single-order
 * requests (bounded by one ecrecover per order), and the child's CPU share during the goal run.
 * Writes .run/bench/sim.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { Wallet } from 'ethers';
import { WebSocket } from 'ws';
import { NonceManager, Signer, buildExchangeRequest, cancelByCloidAction, orderAction, type OrderSpec } from '../src/exchange/hyperliquid';
import { isValidWirePrice, isValidWireSize } from '../src/exchange/hyperliquid/format';
import { Engine, type WireOrderIn } from '../src/sim/engine';
import { buildMarkets } from '../src/sim/markets';
import { usdFromString } from '../src/sim/money';

const rows: { metric: string; value: number | string; unit: string; goal?: string }[] = [];
const ROOT = path.resolve(__dirname, '..');
const CONCURRENCY = 8;

interface Child {
  proc: ChildProcess;
  httpUrl: string;
  wsUrl: string;
  cpu(): Promise<{ cpuMs: number; at: number }>;
}

async function startChild(fund: string[]): Promise<Child> {
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'sim-server.ts')], {
    cwd: ROOT,
    env: { ...process.env, SIM_BENCH_FUND: fund.join(','), HLX_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const urls = await new Promise<{ httpUrl: string; wsUrl: string }>((resolve, reject) => {
    let buf = '';
    proc.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(buf.slice(0, nl)));
    });
    proc.once('exit', (code) => reject(new Error(`simulator child exited ${code}`)));
  });
  return {
    proc,
    ...urls,
    cpu: () =>
      new Promise((resolve) => {
        proc.once('message', (m: { usage: NodeJS.CpuUsage; at: number }) => resolve({ cpuMs: (m.usage.user + m.usage.system) / 1000, at: m.at }));
        proc.send({ type: 'cpu' });
      }),
  };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function post(url: string, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks).toString()) : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends `jobs` (each a chain of request bodies sent in order) with CONCURRENCY chains in flight. */
async function drive(send: (body: string) => Promise<string>, jobs: string[][], check: (reply: string) => void): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < jobs.length) {
      const chain = jobs[next++];
      for (const body of chain) check(await send(body));
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return (performance.now() - t0) / 1000;
}

function okReply(reply: string): void {
  const r = JSON.parse(reply) as { status: string; response: unknown };
  if (r.status !== 'ok') throw new Error(`simulator refused a bench request: ${reply.slice(0, 300)}`);
  const statuses = (r.response as { data?: { statuses?: unknown[] } }).data?.statuses ?? [];
  for (const s of statuses) if (typeof s === 'object' && s !== null && 'error' in s) throw new Error(`order error in bench: ${JSON.stringify(s)}`);
}

function iocOrders(n: number, i: number): OrderSpec[] {
  // alternate sides through the BTC book (mark ≈ 97,000): the position stays near flat
  return Array.from({ length: n }, (_, k) => {
    const isBuy = (i + k) % 2 === 0;
    return { asset: 0, isBuy, px: isBuy ? '98000' : '96000', sz: '0.001', reduceOnly: false, tif: 'Ioc' };
  });
}

function cloid(i: number, k: number): string {
  return '0x' + (i * 100 + k).toString(16).padStart(32, '0');
}

function signAll(signer: Signer, nonces: NonceManager, actions: unknown[]): string[] {
  return actions.map((a) => {
    const nonce = nonces.next();
    return JSON.stringify(buildExchangeRequest(a, nonce, signer.signL1(a, nonce, { isMainnet: false })));
  });
}

function engineOnly(): void {
  const e = new Engine({ markets: buildMarkets(['BTC', 'ETH', 'SOL']), seed: 1, rules: { isValidWirePrice, isValidWireSize } });
  const user = '0x' + '77'.repeat(20);
  e.fund(user, usdFromString('100000000')!);
  const batch = (i: number): WireOrderIn[] => iocOrders(40, i).map((o) => ({ a: o.asset, b: o.isBuy, p: o.px, s: o.sz, r: false, t: { limit: { tif: 'Ioc' } } }));
  let orders = 0;
  const t0 = performance.now();
  for (let i = 0; performance.now() - t0 < 2000; i++) {
    e.placeOrders(user, batch(i));
    e.drain();
    if (i % 25 === 0) e.tick();
    orders += 40;
  }
  rows.push({ metric: 'engine alone (40-order IOC batches, no HTTP, no signature)', value: Math.round(orders / ((performance.now() - t0) / 1000)), unit: 'orders/s' });
}

async function main(): Promise<void> {
  engineOnly();

  const signers = Array.from({ length: 4 }, () => Signer.fromPrivateKey(Wallet.createRandom().privateKey));
  const child = await startChild(signers.map((s) => s.address));
  try {
    // ---- HTTP, 40-order IOC batches (goal row)
    const s0 = signers[0];
    const n0 = new NonceManager();
    const iocBodies = signAll(s0, n0, Array.from({ length: 400 }, (_, i) => orderAction(iocOrders(40, i))));
    // warm-up (JIT) on a few requests, not counted
    for (const b of iocBodies.splice(0, 10)) okReply(await post(`${child.httpUrl}/exchange`, b));
    const cpu0 = await child.cpu();
    const secs = await drive((b) => post(`${child.httpUrl}/exchange`, b), iocBodies.map((b) => [b]), okReply);
    const cpu1 = await child.cpu();
    const rate = (iocBodies.length * 40) / secs;
    rows.push({ metric: 'HTTP /exchange, 40-order IOC batches (signed, verified, matched)', value: Math.round(rate), unit: 'orders/s', goal: '≥ 2,000 orders/s' });
    rows.push({ metric: 'simulator CPU share during that run (one core = 100)', value: Math.round(((cpu1.cpuMs - cpu0.cpuMs) / (cpu1.at - cpu0.at)) * 100), unit: '%' });

    // ---- HTTP, rest 40 GTC then cancel them by cloid
    const s1 = signers[1];
    const n1 = new NonceManager();
    const pairs: string[][] = [];
    for (let i = 0; i < 150; i++) {
      const orders: OrderSpec[] = Array.from({ length: 40 }, (_, k) => ({ asset: 0, isBuy: true, px: String(90000 + k * 10), sz: '0.001', reduceOnly: false, tif: 'Gtc', cloid: cloid(i, k) }));
      const cancels = orders.map((o) => ({ asset: 0, cloid: o.cloid! }));
      pairs.push(signAll(s1, n1, [orderAction(orders), cancelByCloidAction(cancels)]));
    }
    const secs2 = await drive((b) => post(`${child.httpUrl}/exchange`, b), pairs, okReply);
    rows.push({ metric: 'HTTP /exchange, 40 GTC resting then 40 cancels by cloid', value: Math.round((pairs.length * 80) / secs2), unit: 'orders+cancels/s' });

    // ---- WS post, 40-order IOC batches
    const s2 = signers[2];
    const wsBodies = signAll(s2, new NonceManager(), Array.from({ length: 200 }, (_, i) => orderAction(iocOrders(40, i))));
    const ws = new WebSocket(child.wsUrl);
    await new Promise<void>((r, j) => {
      ws.once('open', () => r());
      ws.once('error', j);
    });
    const pending = new Map<number, (reply: string) => void>();
    ws.on('message', (d) => {
      const text = d.toString();
      if (!text.startsWith('{')) return;
      const f = JSON.parse(text) as { channel: string; data: { id: number; response: { payload: unknown } } };
      if (f.channel === 'post') pending.get(f.data.id)?.(JSON.stringify(f.data.response.payload));
    });
    let id = 0;
    const wsSend = (body: string) =>
      new Promise<string>((resolve) => {
        const my = ++id;
        pending.set(my, (r) => {
          pending.delete(my);
          resolve(r);
        });
        ws.send(`{"method":"post","id":${my},"request":{"type":"action","payload":${body}}}`);
      });
    const secs3 = await drive(wsSend, wsBodies.map((b) => [b]), okReply);
    rows.push({ metric: 'WS post, 40-order IOC batches', value: Math.round((wsBodies.length * 40) / secs3), unit: 'orders/s' });
    ws.close();

    // ---- HTTP, one order per request: one ecrecover per order
    const s3 = signers[3];
    const singles = signAll(s3, new NonceManager(), Array.from({ length: 600 }, (_, i) => orderAction(iocOrders(1, i))));
    const secs4 = await drive((b) => post(`${child.httpUrl}/exchange`, b), singles.map((b) => [b]), okReply);
    rows.push({ metric: 'HTTP /exchange, 1 order per request (one signature recovery each)', value: Math.round(singles.length / secs4), unit: 'orders/s' });
  } finally {
    child.proc.send({ type: 'stop' });
    agent.destroy();
  }

  console.log('\nsimulator benchmark');
  for (const r of rows) console.log(`  ${r.metric.padEnd(80)} ${String(r.value).padStart(8)} ${r.unit}${r.goal ? `   (goal ${r.goal})` : ''}`);
  const out = path.join(ROOT, '.run', 'bench');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'sim.json'), JSON.stringify({ name: 'sim', rows }, null, 2));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
