/**
 * The stop sequence against the real simulator, over HTTP only (no socket anywhere): positions
 * and resting orders to flat, verified from the simulator's own books; and the same with the
 * Temporal dev server stopped and restarted (same db file) in the middle of the sequence.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Decimal from 'decimal.js';
import { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { connectClosable } from '../../../src/temporal/closable-connection';
import { startDevServer, freePort, type DevServer } from '../../../src/temporal/devserver';
import { sessionInputFor, startSession, startStack, waitForState, useTemporalSuite } from './harness';
import { openExposure, startSimAccount, type SimAccount } from './sim-venue';
import { hardStopSignal, stateQuery, stopWorkflowId, type StopSequenceResult } from '../../../workflows/messages';
import type { StopActivities } from '../../../src/orchestration/stop-activities';

const suite = useTemporalSuite();

const nonZero = (a: SimAccount) => a.state().positions.filter((p) => !new Decimal(p.szi).isZero());

test('simulator: positions and resting orders to STOPPED_FLAT over HTTP, verified from the venue', async () => {
  const acct = await startSimAccount(5);
  const stack = await startStack(suite.t.nativeConnection, suite.t.namespace, acct.activities, { account: acct.address });
  try {
    await openExposure(acct, { BTC: '0.05', ETH: '-0.5', SOL: '3' }, { BTC: '0.01', ETH: '0.1' });
    expect(nonZero(acct).map((p) => p.coin).sort()).toEqual(['BTC', 'ETH', 'SOL']);
    expect(acct.state().openOrders).toHaveLength(2);

    const before = Object.fromEntries(nonZero(acct).map((p) => [p.coin, p.szi]));
    const fillsBefore = acct.state().fills.length;
    const input = { ...sessionInputFor(stack.queues, { latchTimeoutMs: 300 }), account: acct.address };
    const h = await startSession(suite.t.client, stack.queues, input);
    await h.signal(hardStopSignal, { reason: 'Operator', source: 'test' });
    const s = await waitForState(() => h.query(stateQuery), (x) => x.phase === 'STOPPED_FLAT' || x.phase === 'STOP_FAILED', 30_000);
    expect(s.phase).toBe('STOPPED_FLAT');
    expect(nonZero(acct)).toEqual([]);
    expect(acct.state().openOrders).toEqual([]);
    expect(acct.isFlat()).toBe(true);
    // the stop's fills close exactly each position, on the closing side (reduce-only never flips)
    const closed: Record<string, Decimal> = {};
    for (const f of acct.state().fills.slice(fillsBefore)) {
      expect(f.side).toBe(before[f.coin].startsWith('-') ? 'B' : 'A');
      closed[f.coin] = (closed[f.coin] ?? new Decimal(0)).plus(f.side === 'B' ? f.sz : new Decimal(f.sz).neg());
    }
    for (const [coin, szi] of Object.entries(before)) expect(closed[coin]?.toFixed()).toBe(new Decimal(szi).neg().toFixed());
    const r = (await suite.t.client.workflow.getHandle(stopWorkflowId(input.sessionId, 1)).result()) as StopSequenceResult;
    expect(r).toMatchObject({ outcome: 'STOPPED_FLAT', cancelled: 2, ordersSent: 3, remaining: [], openOrdersLeft: 0 });
    await h.terminate('test done');
  } finally {
    await stack.shutdown();
    await acct.sim.stop();
  }
});

/** Holds the first flatten until the test lets it go, so the server can be restarted mid-sequence. */
function gated(acts: StopActivities): { activities: StopActivities; reached: Promise<void>; release(): void } {
  let release!: () => void;
  let reached!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const reachedP = new Promise<void>((r) => (reached = r));
  let first = true;
  return {
    activities: {
      ...acts,
      async flattenPositions(req) {
        if (first) {
          first = false;
          reached();
          await gate;
        }
        return acts.flattenPositions(req);
      },
    },
    reached: reachedP,
    release: () => release(),
  };
}

test('the Temporal dev server stopped and restarted (same db file) in the middle of the sequence: it completes flat', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hlx-restart-'));
  const dbFile = path.join(dir, 'temporal.db');
  const port = await freePort();
  let server: DevServer = await startDevServer({ port, dbFile, logFile: path.join(dir, 'temporal.log') });
  const connection = await connectClosable({ address: server.address });
  const native = await NativeConnection.connect({ address: server.address });
  const client = new Client({ connection, namespace: 'default' });
  const acct = await startSimAccount(9);
  const g = gated(acct.activities);
  const stack = await startStack(native, 'default', g.activities, { account: acct.address });
  try {
    await openExposure(acct, { BTC: '-0.02', SOL: '2' }, { SOL: '1' });
    const input = { ...sessionInputFor(stack.queues, { latchTimeoutMs: 300 }), account: acct.address };
    const h = await startSession(client, stack.queues, input);
    await h.signal(hardStopSignal, { reason: 'ConsecutiveLosses', source: 'risk-monitor' });
    await g.reached; // the cancels are done, a flatten is in flight

    await server.stop();
    server = await startDevServer({ port, dbFile, logFile: path.join(dir, 'temporal.log') });
    g.release();

    const s = await waitForState(() => h.query(stateQuery), (x) => x.phase === 'STOPPED_FLAT' || x.phase === 'STOP_FAILED', 60_000);
    expect(s.phase).toBe('STOPPED_FLAT');
    expect(s.hardStop?.reason).toBe('ConsecutiveLosses');
    expect(acct.isFlat()).toBe(true);
    await h.terminate('test done');
  } finally {
    g.release();
    await stack.shutdown();
    await connection.close();
    await native.close();
    await server.stop();
    await acct.sim.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
