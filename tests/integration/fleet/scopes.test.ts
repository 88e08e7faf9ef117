/**
 * Kill switches by scope, on a Temporal dev server of this file's own (so `--all` cannot reach
 * another test file's sessions), two accounts each with its own simulator, stop worker and task
 * queues, hot paths trading the demo strategy:
 *  - `hlx fleet status` lists every running session with its account and phase;
 *  - `hlx hardstop --account A` stops exactly A's sessions (B keeps trading, never signalled);
 *  - `hlx hardstop --all` stops every running session and reports them all flat.
 * Each account has its own stop worker on its own queues, which is how the current single-account
 * stop worker routes correctly today (one stop worker per account); see #10 for shared queues.
 */
import { startDevServer, type DevServer } from '../../../src/temporal/devserver';
import type { SessionConfig } from '../../../src/config/session';
import type { HotPathWorker } from '../../../workers/hotpath-worker';
import { isFlat, openPositions, runCli, startInProcessWorker, startOperatorEnv, testConfig, waitForPhase, waitUntil, type OperatorEnv } from '../operator/harness';
import { stateQuery } from '../../../workflows/messages';
import { describeBatch, listSessions } from '../../../src/fleet/client';

jest.setTimeout(240_000);

let server: DevServer;
let savedAddress: string | undefined;
let A: OperatorEnv;
let B: OperatorEnv;
const workers: HotPathWorker[] = [];

beforeAll(async () => {
  server = await startDevServer();
  savedAddress = process.env.TEMPORAL_ADDRESS;
  // the harness, the workers and the CLI children all talk to this file's server
  process.env.TEMPORAL_ADDRESS = server.address;
  A = await startOperatorEnv();
  B = await startOperatorEnv();
});
afterAll(async () => {
  for (const w of workers) await w.shutdown().catch(() => {});
  await A?.close();
  await B?.close();
  await server?.stop();
  if (savedAddress === undefined) delete process.env.TEMPORAL_ADDRESS;
  else process.env.TEMPORAL_ADDRESS = savedAddress;
});

function config(env: OperatorEnv, name: string, markets: string[]): SessionConfig {
  const c = testConfig(env, { name });
  c.markets = markets;
  return c;
}

async function trading(env: OperatorEnv, cfg: SessionConfig): Promise<HotPathWorker> {
  const w = await startInProcessWorker(env, cfg);
  workers.push(w);
  await waitForPhase(env, w.sessionId, ['READY_TRADING'], 60_000);
  return w;
}

/** Visibility is eventually consistent: wait until the scope lists what the test started. */
async function listed(env: OperatorEnv, ids: string[]): Promise<void> {
  await waitUntil(
    () => listSessions(env.t.client, {}),
    (ss) => ids.every((id) => ss.some((s) => s.sessionId === id && s.phase === 'READY_TRADING')),
    30_000,
    'the sessions in visibility',
  );
}

test('fleet status, then --account stops exactly that account, then --all stops every session, all flat', async () => {
  const a1 = await trading(A, config(A, 'a1', ['BTC']));
  const a2 = await trading(A, config(A, 'a2', ['ETH']));
  const b1 = await trading(B, config(B, 'b1', ['BTC', 'SOL']));
  await listed(A, [a1.sessionId, a2.sessionId, b1.sessionId]);
  // A holds something to flatten
  await waitUntil(() => A.sim.admin.state(A.address), (s) => openPositions(s).length > 0, 60_000, 'a position on account A');

  const status = await runCli(A, ['fleet', 'status', '--once']);
  expect(status.stderr).toBe('');
  expect(status.status).toBe(0);
  for (const w of [a1, a2, b1]) expect(status.stdout).toMatch(new RegExp(`${w.sessionId}\\s+\\S+\\s+READY_TRADING`));
  expect(status.stdout).toContain('3 session(s): 3 READY_TRADING');
  const onlyA = await runCli(A, ['fleet', 'status', '--once', '--account', A.address.toUpperCase().replace('0X', '0x')]);
  expect(onlyA.stdout).toContain(a1.sessionId);
  expect(onlyA.stdout).not.toContain(b1.sessionId);
  const json = JSON.parse((await runCli(A, ['fleet', 'status', '--json'])).stdout.trim());
  expect(json.map((r: { account: string }) => r.account).sort()).toEqual([A.address, A.address, B.address].sort());

  // ---- --account A: exactly A's two sessions
  const r = await runCli(A, ['hardstop', '--reason', 'account A misbehaves', '--account', A.address, '--timeout-ms', '90000'], 120_000);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toContain('HardStop(Operator) to 2 session(s) of account');
  expect(r.stdout).toMatch(/batch COMPLETED: 2 of 2 signalled, 0 failed/);
  expect(r.stdout).toContain('all 2 session(s) STOPPED_FLAT');
  for (const w of [a1, a2]) {
    const s = await A.t.client.workflow.getHandle(w.sessionId).query(stateQuery);
    expect(s.phase).toBe('STOPPED_FLAT');
    expect(s.hardStop).toMatchObject({ reason: 'Operator', source: 'cli', details: { text: 'account A misbehaves' } });
    expect(w.hotPath().latch.isTriggered()).toBe(true);
  }
  expect(isFlat(A.sim.admin.state(A.address))).toBe(true);
  // B: never signalled, still trading
  const sb = await B.t.client.workflow.getHandle(b1.sessionId).query(stateQuery);
  expect(sb.phase).toBe('READY_TRADING');
  expect(sb.hardStop).toBeUndefined();
  expect(sb.laterHardStops).toEqual([]);
  expect(b1.hotPath().latch.isTriggered()).toBe(false);
  const tradesBefore = b1.hotPath().status().gateCounts.Accepted;
  await waitUntil(() => b1.hotPath().status().gateCounts.Accepted, (n) => n > tradesBefore, 60_000, 'B still trading');

  // ---- --all: every running session (A's stopped ones count as flat), reported flat
  const a3 = await trading(A, config(A, 'a3', ['SOL']));
  await listed(A, [a3.sessionId]);
  await waitUntil(() => B.sim.admin.state(B.address), (s) => openPositions(s).length > 0, 60_000, 'a position on account B');
  const all = await runCli(A, ['hardstop', '--reason', 'desk-wide stop', '--all', '--timeout-ms', '90000'], 120_000);
  expect(all.stderr).toBe('');
  expect(all.status).toBe(0);
  expect(all.stdout).toContain('HardStop(Operator) to 4 session(s) of namespace');
  expect(all.stdout).toContain('all 4 session(s) STOPPED_FLAT');
  for (const w of [a1, a2, a3, b1]) expect(all.stdout).toContain(w.sessionId);
  for (const [env, w] of [[B, b1], [A, a3]] as const) {
    const s = await env.t.client.workflow.getHandle(w.sessionId).query(stateQuery);
    expect(s.phase).toBe('STOPPED_FLAT');
    expect(s.hardStop?.details).toMatchObject({ text: 'desk-wide stop' });
  }
  // A's first two were already stopped: the second HardStop is recorded, not acted on
  const s1 = await A.t.client.workflow.getHandle(a1.sessionId).query(stateQuery);
  expect(s1.stopCount).toBe(1);
  expect(s1.laterHardStops.at(-1)).toMatchObject({ reason: 'Operator', source: 'cli' });
  // each request came twice (a direct signal and the batch operation) and counted once: a1 holds
  // the --account request as its HardStop and the --all one once, nothing else
  await waitUntil(async () => (await describeBatch(A.t.client, (all.stdout.match(/batch operation (hlx-hardstop-[0-9a-f-]+)/) ?? [])[1] ?? '')).state, (st) => st === 'COMPLETED', 30_000, 'the --all batch done');
  const s1After = await A.t.client.workflow.getHandle(a1.sessionId).query(stateQuery);
  expect(s1After.hardStop?.details).toMatchObject({ text: 'account A misbehaves' });
  expect(s1After.laterHardStops.map((h) => h.details?.text)).toEqual(['desk-wide stop']);
  expect(isFlat(A.sim.admin.state(A.address))).toBe(true);
  expect(isFlat(B.sim.admin.state(B.address))).toBe(true);

  // an unknown account is refused naming the flag; an empty scope is said so
  const bad = await runCli(A, ['hardstop', '--reason', 'x', '--account', '0x12']);
  expect(bad.status).toBe(2);
  expect(bad.stderr).toContain('--account: "0x12" is not a 0x address');
  const none = await runCli(A, ['hardstop', '--reason', 'x', '--account', '0x' + '1'.repeat(40)]);
  expect(none.status).toBe(1);
  expect(none.stdout).toContain('nothing to stop');
  const two = await runCli(A, ['hardstop', '--reason', 'x', '--all', '--account', A.address]);
  expect(two.status).toBe(2);
  expect(two.stderr).toContain('give exactly one of');
});
