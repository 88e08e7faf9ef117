/**
 * `npm run bench:stop` (under scripts/with-devserver.ts): the durable HardStop on a local dev
 * server against the simulator, over ≥ 20 runs each with the hot-path host alive and gone:
 *  - signal → workflow handler: client sends `hardStop`, the handler records the workflow clock
 *  - trigger → flat confirmed by the workflow: the stop child's workflow time when confirm-flat came back flat
 * Times are taken on one host: the client's Date.now() at the signal and the workflow clock
 * (the server's workflow-task time) recorded in the state. Goal (host alive): p50 < 300 ms, p99 < 600 ms.
 * stop (#10): the host-alive stand-in answers that its in-flight posts are answered, so flat needs
 * no expiresAfter wait; with the host gone, flat waits the hot path's expiresAfter (here 500 ms).
 * Writes .run/bench/stop.json. (Trigger → first cancel on the wire is the hot path's own bench.)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { connectTestTemporal } from '../tests/helpers/temporal';
import { sessionInputFor, startHotPathStandIn, startSession, startStack, waitForState } from '../tests/integration/orchestration/harness';
import { openExposure, startSimAccount } from '../tests/integration/orchestration/sim-venue';
import { hardStopSignal, resumeUpdate, stateQuery } from '../workflows/messages';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { stopWorkflowId } from '../src/orchestration/ids';

const RUNS = Number(process.env.HLX_BENCH_STOP_RUNS ?? 20);

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
}

async function main(): Promise<void> {
  const t = await connectTestTemporal();
  // The venue's IP weight budget (1200/min) would throttle 40 back-to-back stops; lifted here.
  const acct = await startSimAccount(21, { ipWeightPerMinute: Infinity });
  const stack = await startStack(t.nativeConnection, t.namespace, acct.activities, { account: acct.address });
  const rows: { metric: string; value: number; unit: string; goal?: string }[] = [];
  let hot: Awaited<ReturnType<typeof startHotPathStandIn>> | null = null;
  try {
    for (const host of ['alive', 'gone'] as const) {
      const input = { ...sessionInputFor(stack.queues, { latchTimeoutMs: 500, hotPathExpiresAfterMs: 500 }, `bench-${host}-${Date.now().toString(36)}`, acct.address) };
      hot = host === 'alive' ? await startHotPathStandIn(t.nativeConnection, t.namespace, input.hotPathTaskQueue) : null;
      const h = await startSession(t.client, stack.queues, input);
      const toHandler: number[] = [];
      const toFlat: number[] = [];
      const signalAck: number[] = [];
      for (let i = 0; i < RUNS + 1; i++) {
        await openExposure(acct, { BTC: '0.01', ETH: '-0.2' }, { SOL: '1' });
        const t0 = Date.now();
        await h.signal(hardStopSignal, { reason: 'Operator', source: 'bench' });
        const ack = Date.now() - t0;
        // Wait on the stop's own result (a long poll the server answers), not by querying the session
        // every 25 ms: those queries were tasks for the very worker whose stop is measured.
        await stopResult(t.client, stopWorkflowId(input.sessionId, i + 1));
        const s = await waitForState(() => h.query(stateQuery), (x) => (x.phase === 'STOPPED_FLAT' || x.phase === 'STOP_FAILED') && x.stopCount === i + 1, 30_000);
        if (s.phase !== 'STOPPED_FLAT' || !acct.isFlat()) throw new Error(`run ${i}: ${s.phase}, venue flat=${acct.isFlat()}`);
        const stop = s.stops[s.stops.length - 1];
        // run 0 warms the worker's caches and the bundle: not counted
        if (i > 0) {
          signalAck.push(ack);
          toHandler.push(s.hardStop!.at - t0);
          toFlat.push((stop.flatConfirmedAt ?? stop.endedAt!) - t0);
        }
        if (process.env.HLX_BENCH_STOP_DEBUG && i === RUNS) {
          const hist = await t.client.workflow.getHandle(stop.workflowId).fetchHistory();
          for (const e of hist.events ?? []) {
            const at = Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor(Number(e.eventTime?.nanos ?? 0) / 1e6) - t0;
            console.log(`  +${at} ${String(e.eventType)} ${e.activityTaskScheduledEventAttributes?.activityType?.name ?? ''}`);
          }
        }
        await h.executeUpdate(resumeUpdate, { args: [{ note: `bench run ${i}` }] });
      }
      await h.terminate('bench done');
      await hot?.stop();
      hot = null;
      const label = host === 'alive' ? 'hot-path host alive' : 'hot-path host gone, latch timeout 500 ms';
      rows.push({ metric: `signal RPC accepted p50 (${label})`, value: pct(signalAck, 0.5), unit: 'ms' });
      rows.push({ metric: `signal → workflow handler p50 (${label})`, value: pct(toHandler, 0.5), unit: 'ms' });
      rows.push({ metric: `signal → workflow handler p99 (${label})`, value: pct(toHandler, 0.99), unit: 'ms' });
      rows.push({ metric: `trigger → flat confirmed by the workflow p50 (${label})`, value: pct(toFlat, 0.5), unit: 'ms', goal: host === 'alive' ? '< 300 ms' : '≥ expiresAfter (500 ms)' });
      rows.push({ metric: `trigger → flat confirmed by the workflow p99 (${label})`, value: pct(toFlat, 0.99), unit: 'ms', ...(host === 'alive' ? { goal: '< 600 ms' } : {}) });
      rows.push({ metric: `runs (${label})`, value: toFlat.length, unit: 'runs', goal: '≥ 20' });
    }
  } finally {
    await hot?.stop();
    await stack.shutdown();
    await acct.sim.stop();
    await t.close();
  }
  console.log('\nstop bench (local dev server, simulator over HTTP, 2 positions + 1 resting order per run)');
  const w = Math.max(...rows.map((r) => r.metric.length));
  for (const r of rows) console.log(`  ${r.metric.padEnd(w)}  ${String(r.value).padStart(7)} ${r.unit}${r.goal ? `   (goal ${r.goal})` : ''}`);
  const out = path.join(__dirname, '..', '.run', 'bench');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'stop.json'), JSON.stringify({ name: 'stop', rows }, null, 2));
  console.log(`wrote ${path.join(out, 'stop.json')}`);
}

/** The stop's result, once the session has started it (until then the server says not found). */
async function stopResult(client: Client, workflowId: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await client.workflow.getHandle(workflowId).result();
      return;
    } catch (e) {
      if (!(e instanceof WorkflowNotFoundError) || Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
