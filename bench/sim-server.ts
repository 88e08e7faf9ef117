/**
 * Child process for bench/sim.bench.ts: the simulator alone on its own event loop (one core),
 * with the venue's rate limits lifted so the benchmark measures the simulator, not the limiter.
 * Prints its URLs as one JSON line; answers {cpu} over IPC so the parent can tell how busy it was.
 */
import { startSimulator } from '../src/sim';

async function main(): Promise<void> {
  const fund: Record<string, string> = {};
  for (const a of (process.env.SIM_BENCH_FUND ?? '').split(',').filter(Boolean)) fund[a] = '100000000';
  const sim = await startSimulator({
    port: 0,
    seed: 11,
    fund,
    limits: {
      ipWeightPerMinute: Number.POSITIVE_INFINITY,
      addressInitialBudget: 1e12,
      wsMessagesPerMinute: Number.POSITIVE_INFINITY,
      wsMaxInflightPosts: 1_000_000,
      // the fleet bench runs 44 sessions from one IP; the venue allows 10 sockets and 10 users per IP
      wsMaxConnections: 1_000,
      wsMaxUsers: 1_000,
      wsMaxSubscriptions: 100_000,
    },
  });
  process.on('message', (m: { type?: string }) => {
    if (m?.type === 'cpu') process.send?.({ type: 'cpu', usage: process.cpuUsage(), at: performance.now() });
    if (m?.type === 'stop') void sim.stop().then(() => process.exit(0));
  });
  process.stdout.write(JSON.stringify({ httpUrl: sim.httpUrl, wsUrl: sim.wsUrl, adminUrl: sim.adminUrl }) + '\n');
}

void main();
