/**
 * #11 the lost HardStop, as an operator meets it: Temporal goes down while the hot path trades;
 * Ctrl+C, and Ctrl+C again (the process exits at once, the HardStop never reached Temporal); Temporal
 * comes back (same database); the operator starts the hot path again. The journal latches the new
 * process at once and delivers the HardStop first: the session reaches STOPPED_FLAT, and no order
 * that adds exposure reached the venue in between.
 *
 * And the other side of the lease: a hot path cut off from Temporal for a whole lease latches
 * HardStop(HotPathLost) itself.
 *
 * This file runs its own dev server (stopped and restarted on the same port and db file).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Decimal from 'decimal.js';
import { startDevServer, freePort, type DevServer } from '../../../src/temporal/devserver';
import { HardStopJournal } from '../../../src/state/hardstop-journal';
import { isFlat, openPositions, sessionState, sleep, spawnWorker, startInProcessWorker, startOperatorEnv, testConfig, waitForPhase, waitUntil, type ChildWorker, type OperatorEnv, killLive } from '../operator/harness';
import { sessionIdOf } from './helpers';

jest.setTimeout(240_000);

let server: DevServer;
let env: OperatorEnv;
let port: number;
const dbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hlx-tdown-'));
const dbFile = path.join(dbDir, 'temporal.db');
const children: ChildWorker[] = [];

beforeAll(async () => {
  port = await freePort();
  server = await startDevServer({ port, dbFile, logFile: path.join(dbDir, 'temporal.log') });
  process.env.TEMPORAL_ADDRESS = server.address; // the harness, the children and the CLI use this server
  env = await startOperatorEnv();
});
afterAll(async () => {
  killLive(children);
  await env?.close().catch(() => {});
  await server?.stop();
  fs.rmSync(dbDir, { recursive: true, force: true });
});

function addsExposure(f: { startPosition: string; side: 'B' | 'A'; sz: string }): boolean {
  const start = new Decimal(f.startPosition);
  const end = start.plus(f.side === 'B' ? f.sz : new Decimal(f.sz).neg());
  return end.abs().gt(start.abs());
}

test('Temporal down + Ctrl+C twice + restart with Temporal up → STOPPED_FLAT, no order adding exposure in between', async () => {
  const config = testConfig(env, { name: 'tdown', strategy: { kind: 'demo', holdMs: 120_000, cooldownMs: 200, aggressionBps: 50 } });
  const first = spawnWorker(env, config);
  children.push(first);
  const sessionId = await sessionIdOf(first, config.session.id!);
  await waitForPhase(env, sessionId, ['READY_TRADING'], 45_000);
  await waitUntil(() => env.sim.admin.state(env.address), (s) => openPositions(s).length > 0, 30_000, 'an open position');

  await server.stop();
  const firstCtrlC = Date.now();
  first.child.kill('SIGINT');
  await sleep(1_500); // a second keypress, not the same one relayed
  first.child.kill('SIGINT');
  const exit = await first.exited;
  expect(exit.code).toBe(130);
  const journal = new HardStopJournal(sessionId, path.join(env.tmp, 'state'));
  expect(first.output()).toContain('NOT acknowledged by Temporal');
  expect(first.output()).toContain(journal.file);
  expect(journal.pending()).toEqual([expect.objectContaining({ reason: 'Operator', source: 'ctrl-c' })]);
  const positionsLeft = openPositions(env.sim.admin.state(env.address));

  server = await startDevServer({ port, dbFile, logFile: path.join(dbDir, 'temporal.log') });
  const second = spawnWorker(env, config);
  children.push(second);
  const s = await waitForPhase(env, sessionId, ['STOPPED_FLAT', 'STOP_FAILED'], 120_000);
  expect(s.phase).toBe('STOPPED_FLAT');
  // the Ctrl+C HardStop reached the session through the journal; the session may have stopped a
  // moment earlier on its own, its lease on the dead first process having run out (HotPathLost)
  const ctrlC = await waitUntil(
    () => sessionState(env, sessionId),
    (x) => [x.hardStop, ...x.laterHardStops].some((h) => h?.reason === 'Operator' && h.source === 'ctrl-c') && (x.journalIds?.length ?? 0) === 1,
    30_000,
    'the journalled Ctrl+C HardStop at the session',
  );
  expect(['Operator', 'HotPathLost']).toContain(ctrlC.hardStop?.reason);
  expect(second.output()).toContain('unacknowledged HardStop in the journal');
  await waitUntil(() => journal.pending(), (p) => p.length === 0, 20_000, 'the journal emptied once Temporal acknowledged');

  const venue = env.sim.admin.state(env.address);
  expect(isFlat(venue)).toBe(true);
  const between = venue.fills.filter((f) => f.time >= firstCtrlC);
  expect(between.filter(addsExposure)).toEqual([]);
  // there was something to flatten, and the flatten is what the fills in between were
  if (positionsLeft.length > 0) expect(between.length).toBeGreaterThan(0);
  expect((await sessionState(env, sessionId)).phase).toBe('STOPPED_FLAT');
  second.child.kill('SIGINT');
  expect((await second.exited).code).toBe(0);
});

test('a hot path cut off from Temporal for a whole lease latches HardStop(HotPathLost) itself', async () => {
  const config = testConfig(env, { name: 'cutoff', risk: { hotPathLeaseMs: 2_000 }, strategy: { kind: 'demo', holdMs: 120_000, cooldownMs: 200, aggressionBps: 50, maxTrades: 1 } });
  const w = await startInProcessWorker(env, config);
  try {
    await waitForPhase(env, w.sessionId, ['READY_TRADING'], 45_000);
    await waitUntil(() => w.lease(), (l) => l.held, 20_000, 'the lease held');
    expect(w.hotPath().latch.isTriggered()).toBe(false);
    await server.stop();
    const cutAt = Date.now();
    const rec = await waitUntil(() => w.hotPath().latch.record(), (r) => r !== null, 30_000, 'the hot path latched');
    expect(rec).toMatchObject({ reason: 'HotPathLost', source: 'lease' });
    expect(w.hotPath().status().phase).toBe('HARD_STOPPED'); // no new exposure from here on
    // journalled: owed to Temporal while it is away
    expect(w.journal.pending()).toEqual([expect.objectContaining({ reason: 'HotPathLost', source: 'lease' })]);
    // at the latest a lease after the cut (earlier when the server says the lease is gone as it goes down)
    console.log(`cut off → latched in ${Date.now() - cutAt} ms (lease 2000 ms)`);
    server = await startDevServer({ port, dbFile, logFile: path.join(dbDir, 'temporal.log') });
    await waitForPhase(env, w.sessionId, ['STOPPED_FLAT', 'STOP_FAILED'], 90_000);
    expect(isFlat(env.sim.admin.state(env.address))).toBe(true);
  } finally {
    await w.shutdown();
  }
});
