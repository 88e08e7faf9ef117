/**
 * `make bench` (under scripts/with-devserver.ts): the dead-man lease (#11). A hot-path process that
 * holds a position and a resting order is SIGKILLed and nobody does anything; measured: SIGKILL →
 * the simulator's books show no position and no open order (polled every 10 ms), over ≥ 10 runs,
 * each a fresh process and session. Goal: lease + 1 s (risk.hotPathLeaseMs, here the default 5 s).
 * Writes .run/bench/hotpath-lost.json.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openPositions, isFlat, sessionState, spawnWorker, startOperatorEnv, testConfig, waitForPhase, waitUntil, type ChildWorker } from '../tests/integration/operator/harness';
import { placeRestingBid, quantile, sessionIdOf } from '../tests/integration/durable/helpers';

const RUNS = Number(process.env.HLX_BENCH_LOST_RUNS ?? 10);
const LEASE_MS = Number(process.env.HLX_BENCH_LEASE_MS ?? 5_000);

async function main(): Promise<void> {
  const env = await startOperatorEnv();
  const times: number[] = [];
  // the split: SIGKILL → the session's HardStop(HotPathLost) (the lease ran out) → venue flat
  const detect: number[] = [];
  const stop: number[] = [];
  let child: ChildWorker | null = null;
  try {
    for (let i = 0; i < RUNS; i++) {
      const config = testConfig(env, { name: `bench-lost-${i}`, risk: { hotPathLeaseMs: LEASE_MS }, strategy: { kind: 'demo', holdMs: 600_000, cooldownMs: 200, aggressionBps: 50, maxTrades: 1 } });
      child = spawnWorker(env, config);
      const sessionId = await sessionIdOf(child, config.session.id!);
      await waitForPhase(env, sessionId, ['READY_TRADING'], 60_000);
      await waitUntil(() => env.sim.admin.state(env.address), (s) => openPositions(s).length > 0, 60_000, 'an open position');
      await placeRestingBid(env);
      await waitUntil(() => sessionState(env, sessionId), (s) => s.lease?.status === 'held', 30_000, 'the lease held');
      const killedAt = Date.now();
      child.child.kill('SIGKILL');
      for (;;) {
        if (isFlat(env.sim.admin.state(env.address))) break;
        if (Date.now() - killedAt > 120_000) throw new Error(`run ${i}: not flat 120 s after the SIGKILL`);
        await new Promise((r) => setTimeout(r, 10));
      }
      const flatAt = Date.now();
      times.push(flatAt - killedAt);
      await child.exited;
      child = null;
      const s = await waitForPhase(env, sessionId, ['STOPPED_FLAT', 'STOP_FAILED'], 60_000);
      if (s.phase !== 'STOPPED_FLAT' || s.hardStop?.reason !== 'HotPathLost') throw new Error(`run ${i}: ${s.phase} ${s.hardStop?.reason}`);
      detect.push(s.hardStop.at - killedAt);
      stop.push(flatAt - s.hardStop.at);
      console.log(`run ${i + 1}/${RUNS}: SIGKILL → venue flat in ${times[times.length - 1]} ms (HardStop(HotPathLost) after ${detect.at(-1)} ms, then flat in ${stop.at(-1)} ms)`);
    }
  } finally {
    if (child && child.child.exitCode === null) child.child.kill('SIGKILL');
    await env.close();
  }
  const goal = `≤ ${LEASE_MS + 1_000} ms (lease + 1 s)`;
  const rows = [
    { metric: `hot path SIGKILLed → venue flat p50 (lease ${LEASE_MS} ms)`, value: quantile(times, 0.5), unit: 'ms', goal },
    { metric: `hot path SIGKILLed → venue flat p99 (lease ${LEASE_MS} ms)`, value: quantile(times, 0.99), unit: 'ms', goal },
    { metric: 'hot path SIGKILLed → venue flat, runs', value: times.length, unit: 'runs', goal: '≥ 10' },
    { metric: 'of which SIGKILL → HardStop(HotPathLost) in the session (the lease runs out) p50', value: quantile(detect, 0.5), unit: 'ms' },
    { metric: 'of which HardStop(HotPathLost) → venue flat (stop worker, host gone) p50', value: quantile(stop, 0.5), unit: 'ms' },
    { metric: 'of which HardStop(HotPathLost) → venue flat (stop worker, host gone) p99', value: quantile(stop, 0.99), unit: 'ms' },
  ];
  for (const r of rows) console.log(`  ${r.metric}  ${r.value} ${r.unit}   (goal ${r.goal})`);
  const out = path.join(__dirname, '..', '.run', 'bench');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'hotpath-lost.json'), JSON.stringify({ name: 'hotpath-lost', rows }, null, 2));
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
