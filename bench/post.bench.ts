/**
 * Post round trip on loopback against the simulator: VenueClient.post() of an already signed
 * order action until its parsed answer, p50/p99, for a 1-order and a 40-order batch, over the
 * WebSocket `post` and over HTTP /exchange. Signing happens before the clock starts (bench:sign
 * measures it); the simulator's work (signature recovery, nonce rules, matching) is inside.
 *
 * Orders rest below the market and are cancelled between samples (uncounted), so the book does
 * not grow. The simulator's rate limits are lifted: this measures latency, not the budget.
 * An `allMids` info round trip is measured too: the same path without the simulator's signature
 * recovery (~2 ms of pure-JS ECDSA per action), i.e. what the transport itself costs.
 *
 * Run: npm run bench:post  → .run/bench/post.json
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Wallet } from 'ethers';
import { cancelAction, orderAction, type OrderSpec } from '../src/exchange/hyperliquid/actions';
import { NonceManager } from '../src/exchange/hyperliquid/nonce';
import { buildExchangeRequest, Signer } from '../src/exchange/hyperliquid/signer';
import { VenueClient } from '../src/exchange/hyperliquid/venue-client';
import { startSimulator } from '../src/sim';
import { setLogSink } from '../src/util/log';

const log = (s: string) => process.stdout.write(s + '\n');
const rows: { metric: string; value: number; unit: string; goal?: string }[] = [];

const SAMPLES: Record<number, number> = { 1: 1_000, 40: 300 };
const WARMUP = 200;

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

async function main(): Promise<void> {
  setLogSink({ write: () => {} });
  const wallet = Wallet.createRandom();
  const signer = Signer.fromPrivateKey(wallet.privateKey);
  const user = signer.address.toLowerCase();
  const sim = await startSimulator({
    seed: 1,
    tickMs: 0,
    fund: { [user]: '1000000000' },
    limits: { ipWeightPerMinute: 1e12, addressInitialBudget: 1e12, wsMessagesPerMinute: 1e12 },
  });
  const nonces = new NonceManager();
  const sign = <A>(action: A) => {
    const nonce = nonces.next();
    return buildExchangeRequest(action, nonce, signer.signL1(action, nonce, { isMainnet: false }));
  };
  const wsClient = new VenueClient({ httpUrl: sim.httpUrl, wsUrl: sim.wsUrl });
  await wsClient.connect();
  const httpClient = new VenueClient({ httpUrl: sim.httpUrl, wsUrl: null });

  const orders = (n: number): OrderSpec[] =>
    Array.from({ length: n }, (_, i) => ({ asset: 0, isBuy: true, px: String(90_000 - i), sz: '0.001', reduceOnly: false, tif: 'Gtc' as const }));

  const table: string[][] = [['transport', 'batch', 'samples', 'p50 ms', 'p99 ms', 'mean ms']];
  for (const [name, client] of [
    ['WS post', wsClient],
    ['HTTP', httpClient],
  ] as const) {
    for (const n of [1, 40]) {
      const lat: number[] = [];
      let resting: number[] = [];
      const total = WARMUP + SAMPLES[n];
      for (let i = 0; i < total; i++) {
        const body = sign(orderAction(orders(n)));
        const t0 = process.hrtime.bigint();
        const r = await client.post(body);
        const dt = Number(process.hrtime.bigint() - t0) / 1e6;
        if (r.status !== 'ok') throw new Error(`order rejected: ${JSON.stringify(r)}`);
        for (const s of r.response.data?.statuses ?? []) {
          if (typeof s === 'object' && 'resting' in s) resting.push(s.resting.oid);
          else throw new Error(`unexpected status ${JSON.stringify(s)}`);
        }
        if (i >= WARMUP) lat.push(dt);
        if (resting.length >= 40) {
          await client.post(sign(cancelAction(resting.map((oid) => ({ asset: 0, oid })))));
          resting = [];
        }
      }
      if (resting.length) await client.post(sign(cancelAction(resting.map((oid) => ({ asset: 0, oid })))));
      lat.sort((a, b) => a - b);
      const p50 = pct(lat, 0.5);
      const p99 = pct(lat, 0.99);
      const mean = lat.reduce((s, x) => s + x, 0) / lat.length;
      const label = `${n}-order`;
      table.push([name, label, String(lat.length), p50.toFixed(3), p99.toFixed(3), mean.toFixed(3)]);
      rows.push({ metric: `post round trip p50 (${label}, ${name})`, value: round3(p50), unit: 'ms' });
      rows.push({ metric: `post round trip p99 (${label}, ${name})`, value: round3(p99), unit: 'ms' });
    }
  }
  // the transport alone: an info post the simulator answers without signature recovery
  for (const [name, client] of [
    ['WS post', wsClient],
    ['HTTP', httpClient],
  ] as const) {
    const lat: number[] = [];
    for (let i = 0; i < WARMUP + 2_000; i++) {
      const t0 = process.hrtime.bigint();
      await client.allMids();
      if (i >= WARMUP) lat.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    lat.sort((a, b) => a - b);
    table.push([name, 'allMids info', String(lat.length), pct(lat, 0.5).toFixed(3), pct(lat, 0.99).toFixed(3), (lat.reduce((s, x) => s + x, 0) / lat.length).toFixed(3)]);
    rows.push({ metric: `info round trip p50 (allMids, ${name}; no signature to verify)`, value: round3(pct(lat, 0.5)), unit: 'ms' });
    rows.push({ metric: `info round trip p99 (allMids, ${name}; no signature to verify)`, value: round3(pct(lat, 0.99)), unit: 'ms' });
  }

  const st = wsClient.stats();
  if (st.actionsViaHttp !== 0) throw new Error('the WS client fell back to HTTP during the bench');

  const widths = table[0].map((_, c) => Math.max(...table.map((r) => r[c].length)));
  for (const r of table) log(r.map((v, c) => v.padStart(widths[c])).join('  '));

  await wsClient.close();
  await sim.stop();
  const out = path.join(__dirname, '..', '.run', 'bench');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'post.json'), JSON.stringify({ name: 'post', rows }, null, 2));
  log(`wrote ${path.join(out, 'post.json')}`);
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
