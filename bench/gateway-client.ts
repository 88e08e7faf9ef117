/**
 * The strategy side of bench/gateway.bench.ts, in its own process (as a strategy is): sequential
 * signal → result and cancel → cancelResult round trips timed on this side's clock, then counts
 * the events the gateway pushes. Prints one JSON line per phase.
 */
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

const [url, roundsArg, warmupArg, eventsArg] = process.argv.slice(2);
const ROUNDS = Number(roundsArg);
const WARMUP = Number(warmupArg);
const EVENTS = Number(eventsArg);

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

async function main(): Promise<void> {
  const ws = new WebSocket(url, { headers: { authorization: `Bearer ${process.env.HLX_BENCH_GATEWAY_TOKEN}` } });
  let waiter: ((f: { type: string; [k: string]: unknown }) => void) | null = null;
  let events = 0;
  let firstEventAt = 0;
  let lastEventAt = 0;
  ws.on('message', (d) => {
    const f = JSON.parse(String(d));
    if (f.type === 'event') {
      if (events === 0) firstEventAt = performance.now();
      events++;
      lastEventAt = performance.now();
      if (events === EVENTS) {
        process.stdout.write(JSON.stringify({ phase: 'events', count: events, ms: lastEventAt - firstEventAt }) + '\n');
        ws.close();
      }
      return;
    }
    const w = waiter;
    waiter = null;
    w?.(f);
  });
  const next = () => new Promise<{ type: string; [k: string]: unknown }>((r) => (waiter = r));
  const welcome = next();
  await new Promise((r, j) => {
    ws.once('open', r);
    ws.once('error', j);
  });
  await welcome;
  ws.send(JSON.stringify({ type: 'subscribe', events: ['filled'], snapshotMs: 0 }));
  await next();
  const sig = (i: number) => ({ market: ['BTC', 'ETH', 'SOL'][i % 3], side: 'buy', size: ['0.001', '0.01', '0.1'][i % 3], limitPx: '1000', tif: 'Alo' });
  const signalMs: number[] = [];
  const cancelMs: number[] = [];
  const mix: Record<string, number> = {};
  for (let i = 0; i < WARMUP + ROUNDS; i++) {
    let t0 = performance.now();
    let p = next();
    ws.send(JSON.stringify({ type: 'signal', id: i, signal: sig(i) }));
    const r = (await p) as unknown as { result: { status: string; reason?: string; cloid?: string } };
    const t1 = performance.now();
    if (i >= WARMUP) {
      signalMs.push(t1 - t0);
      const k = r.result.status === 'Accepted' ? 'Accepted' : `${r.result.status}(${r.result.reason})`;
      mix[k] = (mix[k] ?? 0) + 1;
    }
    if (!r.result.cloid) continue;
    t0 = performance.now();
    p = next();
    ws.send(JSON.stringify({ type: 'cancel', id: i, cloid: r.result.cloid }));
    await p;
    if (i >= WARMUP) cancelMs.push(performance.now() - t0);
  }
  signalMs.sort((a, b) => a - b);
  cancelMs.sort((a, b) => a - b);
  process.stdout.write(
    JSON.stringify({ phase: 'rtt', signal: [pct(signalMs, 0.5), pct(signalMs, 0.99)], cancel: [pct(cancelMs, 0.5), pct(cancelMs, 0.99)], mix }) + '\n',
  );
}

main().catch((e) => {
  process.stderr.write(`gateway-client: ${(e as Error).stack}\n`);
  process.exit(1);
});
