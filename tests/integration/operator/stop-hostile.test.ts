/**
 * stop (#10): the stop that cannot be fooled, tried from outside the workflow code against the
 * Temporal dev server and the simulator:
 *  - two accounts, two sessions, two stop workers on one namespace: B's HardStop leaves B flat
 *    and A untouched and trading; with no stop worker for B, B's stop waits visibly and finishes
 *    as soon as one starts;
 *  - a venue that refuses every cancel still gets the flatten;
 *  - a book out of reach keeps the stop alive through many slow rounds (alerting a real HTTP
 *    receiver), and it goes flat the moment liquidity returns;
 *  - an order in flight at the trigger lands after a fast confirm-flat attempt: the session still
 *    ends flat and says so truthfully.
 */
import * as http from 'node:http';
import Decimal from 'decimal.js';
import { Worker } from '@temporalio/worker';
import { runCli, startOperatorEnv, startInProcessWorker, testConfig, waitUntil, type OperatorEnv } from './harness';
import { simAccountOn, openExposure, type SimAccount } from '../orchestration/sim-venue';
import { startStopWorker, type StopWorkerHandle } from '../../../workers/stop-worker';
import { sessionWorkflowId, hotPathTaskQueue, stopWorkflowId } from '../../../src/orchestration/ids';
import { tradingSession } from '../../../workflows/trading-session';
import { hardStopSignal, stateQuery, type SessionPhase, type SessionState, type StopOptions, type StopSequenceResult, type AlertSinkSpec } from '../../../workflows/messages';
import { NonceManager, buildExchangeRequest, formatPrice, orderAction } from '../../../src/exchange/hyperliquid';
import type { StopActivities } from '../../../src/orchestration/stop-activities';

jest.setTimeout(240_000);

let env: OperatorEnv;
beforeAll(async () => {
  env = await startOperatorEnv();
});
afterAll(async () => {
  await env?.close();
});

const nonZero = (a: SimAccount) => a.state().positions.filter((p) => !new Decimal(p.szi).isZero());

/** A stop worker for `acct` on the env's queues (the env's own serves the env's account). */
async function stopWorkerFor(acct: SimAccount, activities: StopActivities = acct.activities, identity?: string): Promise<StopWorkerHandle> {
  return startStopWorker({
    connection: env.t.nativeConnection,
    namespace: env.t.namespace,
    queues: env.queues,
    activities,
    account: acct.address,
    workerSettings: { stickyQueueScheduleToStartTimeout: '1s', shutdownGraceTime: '1s' },
    // the env's stop worker runs every workflow; this one only acts for its account
    pollStopWorkflows: false,
    pollAlerts: false,
    ...(identity ? { identity } : {}),
  });
}

let seq = 0;
/** A session of `acct` with no hot path of its own (the stop's latch call finds the host gone). */
async function sessionOf(acct: SimAccount, stop: StopOptions = {}, alertSinks?: AlertSinkSpec[]) {
  const sessionId = sessionWorkflowId(acct.address, `hostile-${process.pid}-${++seq}`);
  const input = {
    account: acct.address,
    strategyName: sessionId.split('-').slice(-3).join('-'),
    sessionId,
    markets: ['BTC', 'ETH', 'SOL'],
    hotPathTaskQueue: hotPathTaskQueue(env.queues.hotPathPrefix, sessionId),
    stop: {
      stopTaskQueue: env.queues.stop,
      latchTimeoutMs: 300,
      hotPathExpiresAfterMs: 500,
      // generous: a loaded machine must not look like a missing worker
      workerWaitMs: 3_000,
      backoffInitialMs: 50,
      backoffMaxMs: 200,
      ...stop,
    },
    stopWorkflowTaskQueue: env.queues.stop,
    ...(alertSinks ? { alertSinks } : {}),
  };
  const h = await env.t.client.workflow.start(tradingSession, { taskQueue: env.queues.session, workflowId: sessionId, args: [input] });
  return { h, input };
}

const phaseOf = (h: { query: (q: typeof stateQuery) => Promise<SessionState> }) => () => h.query(stateQuery);
const waitPhase = (h: { query: (q: typeof stateQuery) => Promise<SessionState> }, phases: SessionPhase[], ms = 60_000) =>
  waitUntil(phaseOf(h), (s) => phases.includes(s.phase), ms, `phase ${phases.join('|')}`);

test('two accounts on one namespace: B has no stop worker → its stop waits visibly; one starts → B flat; A untouched and trading throughout', async () => {
  // A: the env's account, trading with a real hot path; its stop worker is the env's
  const cfgA = testConfig(env, { name: 'acctA' });
  const hpA = await startInProcessWorker(env, cfgA);
  const B = simAccountOn(env.sim);
  let workerB: StopWorkerHandle | undefined;
  try {
    await waitUntil(() => hpA.lastState()?.phase, (p) => p === 'READY_TRADING', 60_000, 'A trading');
    await openExposure(B, { BTC: '0.02', ETH: '-0.3' }, { SOL: '1' });
    const { h, input } = await sessionOf(B, { workerWaitMs: 1_000 });
    const fillsA0 = env.sim.admin.state(env.address).fills.length;
    await h.signal(hardStopSignal, { reason: 'Operator', source: 'test' });

    // nobody may act for B: the stop says it waits, in the phase, the search attribute and the UI details
    const waiting = await waitPhase(h, ['STOP_WAITING_WORKER']);
    expect(waiting.stepsDone.join('\n')).toMatch(new RegExp(`no stop worker polls ${env.queues.stop}-${B.address}`));
    await waitUntil(async () => (await h.describe()).searchAttributes?.TradingPhase, (v) => JSON.stringify(v) === '["STOP_WAITING_WORKER"]', 30_000, 'search attribute');
    const stopDesc = await env.t.client.workflow.getHandle(stopWorkflowId(input.sessionId, 1)).describe();
    expect(stopDesc.status.name).toBe('RUNNING');
    // …and A's stop worker, polling the same namespace, did not touch B
    expect(nonZero(B).map((p) => p.coin).sort()).toEqual(['BTC', 'ETH']);
    expect(B.state().openOrders).toHaveLength(1);

    workerB = await stopWorkerFor(B);
    const s = await waitPhase(h, ['STOPPED_FLAT']);
    expect(B.isFlat()).toBe(true);
    expect(s.stops[0]).toMatchObject({ outcome: 'STOPPED_FLAT', remaining: [], openOrdersLeft: 0 });
    const r = (await env.t.client.workflow.getHandle(stopWorkflowId(input.sessionId, 1)).result()) as StopSequenceResult;
    expect(r.steps.join('\n')).toMatch(/no stop worker polls [\s\S]*a stop worker for .* is polling: going on[\s\S]*confirm flat: 0 positions, 0 open orders/);

    // A: never stopped, still trading (new fills after B's stop), its stop count 0
    const a = await waitUntil(() => hpA.lastState(), (x) => x !== null, 5_000, 'A state');
    expect(a!.phase).toBe('READY_TRADING');
    expect(a!.stopCount).toBe(0);
    await waitUntil(() => env.sim.admin.state(env.address).fills.length, (n) => n > fillsA0 + 2, 60_000, 'A keeps trading');
    expect(hpA.hotPath().latch.isTriggered()).toBe(false);
    await h.terminate('test done');
  } finally {
    await workerB?.shutdown();
    await hpA.shutdown();
  }
});

test("a stop worker configured for A never acts for B: B's activities on A's queue are refused naming both, and B's stop shows it", async () => {
  const B = simAccountOn(env.sim);
  await openExposure(B, { SOL: '2' });
  // a misconfigured worker: A's signer and account, polling B's queue
  const A = simAccountOn(env.sim);
  const rogue = await Worker.create({
    connection: env.t.nativeConnection,
    namespace: env.t.namespace,
    taskQueue: `${env.queues.stop}-${B.address}`,
    activities: A.activities,
  });
  const run = rogue.run();
  try {
    const { h } = await sessionOf(B, { fastRounds: 1, slowRoundMs: 500 });
    await h.signal(hardStopSignal, { reason: 'Operator', source: 'test' });
    const s = await waitUntil(phaseOf(h), (x) => x.phase === 'STOP_STUCK' && /WRONG STOP WORKER/.test(x.stepsDone.join('\n')), 60_000, 'wrong worker shown');
    const line = s.stepsDone.find((l) => /WRONG STOP WORKER/.test(l))!;
    expect(line).toContain(A.address);
    expect(line).toContain(B.address);
    expect(nonZero(B)).toHaveLength(1); // untouched
    await h.terminate('test done');
  } finally {
    rogue.shutdown();
    await run;
  }
});

test('a venue that refuses every cancel still gets the flatten; each failure is a visible step; flat once cancels go through', async () => {
  const B = simAccountOn(env.sim);
  const wB = await stopWorkerFor(B);
  try {
    await openExposure(B, { BTC: '-0.01', SOL: '3' }, { ETH: '0.1' });
    env.sim.admin.refuseCancels('Signed action over weight limit of 200.');
    const { h, input } = await sessionOf(B, { fastRounds: 2, slowRoundMs: 300 });
    await h.signal(hardStopSignal, { reason: 'Operator', source: 'test' });
    await waitUntil(() => nonZero(B).length, (n) => n === 0, 60_000, 'positions flattened despite refused cancels');
    const stuck = await waitPhase(h, ['STOP_STUCK']);
    expect(stuck.stepsDone.join('\n')).toMatch(/open order/);
    const stop = env.t.client.workflow.getHandle(stopWorkflowId(input.sessionId, 1));
    expect(B.state().openOrders).toHaveLength(1);
    env.sim.admin.refuseCancels('');
    const s = await waitPhase(h, ['STOPPED_FLAT']);
    expect(B.isFlat()).toBe(true);
    const r = (await stop.result()) as StopSequenceResult;
    expect(r.steps.join('\n')).toMatch(/CANCEL FAILED \(the flatten goes on regardless\): .*Signed action over weight limit of 200/);
    expect(s.phase).toBe('STOPPED_FLAT');
    await h.terminate('test done');
  } finally {
    env.sim.admin.refuseCancels('');
    await wB.shutdown();
  }
});

/** A local HTTP receiver standing in for a webhook and the Telegram bot API. */
async function receiver(): Promise<{ url: string; got: { path: string; body: any }[]; close(): Promise<void> }> {
  const got: { path: string; body: any }[] = [];
  const server = http.createServer((req, res) => {
    let b = '';
    req.on('data', (d) => (b += d));
    req.on('end', () => {
      got.push({ path: req.url ?? '', body: JSON.parse(b || 'null') });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, got, close: () => new Promise((r) => server.close(() => r())) };
}

test('a book out of reach: the stop stays alive through many slow rounds, alerting a person; flat the moment liquidity returns', async () => {
  const B = simAccountOn(env.sim);
  const rx = await receiver();
  const wB = await stopWorkerFor(B);
  try {
    await openExposure(B, { ETH: '0.2' });
    env.sim.admin.noLiquidity(true);
    const sinks: AlertSinkSpec[] = [
      { kind: 'webhook', url: `${rx.url}/slack`, format: 'slack' },
      { kind: 'telegram', url: `${rx.url}/bot123:abc`, chatId: '42' },
    ];
    const { h, input } = await sessionOf(B, { fastRounds: 2, slowRoundMs: 200, alertMinIntervalMs: 0, maxSlippageBps: 300 }, sinks);
    await h.signal(hardStopSignal, { reason: 'SlippageAnomaly', source: 'test' });
    await waitPhase(h, ['STOP_STUCK']);
    // many slow rounds, each a fresh read and a book-priced IOC that cannot cross
    await waitUntil(async () => (await h.query(stateQuery)).stepsDone.filter((l) => /STOP_STUCK: not flat after/.test(l)).length, (n) => n >= 5, 90_000, 'slow rounds');
    expect(nonZero(B)).toHaveLength(1);
    expect((await env.t.client.workflow.getHandle(stopWorkflowId(input.sessionId, 1)).describe()).status.name).toBe('RUNNING');
    await waitUntil(() => rx.got.filter((g) => g.path === '/slack' && /STOP_STUCK/.test(g.body.text)).length, (n) => n >= 2, 60_000, 'stuck alerts');
    env.sim.admin.noLiquidity(false);
    await waitPhase(h, ['STOPPED_FLAT']);
    expect(B.isFlat()).toBe(true);
    await waitUntil(() => rx.got.filter((g) => /STOPPED_FLAT/.test(JSON.stringify(g.body))).length, (n) => n >= 2, 60_000, 'flat alerts');
    const tg = rx.got.find((g) => g.path === '/bot123:abc/sendMessage');
    expect(tg?.body).toMatchObject({ chat_id: '42', text: expect.stringContaining(input.sessionId) });
    expect(rx.got.find((g) => g.path === '/slack')?.body).toEqual({ text: expect.stringContaining('hl-executor STOP_STUCK') });
    await h.terminate('test done');
  } finally {
    env.sim.admin.noLiquidity(false);
    await wB.shutdown();
    await rx.close();
  }
});

test('an order in flight at the trigger lands after a fast confirm-flat: the stop confirms again and ends flat, truthfully', async () => {
  const B = simAccountOn(env.sim);
  let confirms = 0;
  const acts: StopActivities = { ...B.activities, confirmFlat: async (t) => B.activities.confirmFlat(t).finally(() => void confirms++) };
  const wB = await stopWorkerFor(B, acts);
  // B's hot path: it signed an IOC just before the trigger; the post is answered only after the stop's first confirm
  const { input, h } = await (async () => {
    const s = await sessionOf(B, { latchTimeoutMs: 10_000, hotPathExpiresAfterMs: 5_000 });
    return s;
  })();
  const [meta, ctxs] = await B.http.metaAndAssetCtxs();
  const sol = meta.universe.findIndex((u) => u.name === 'SOL');
  const action = orderAction([{ asset: sol, isBuy: true, px: formatPrice(new Decimal(ctxs[sol].markPx).times(1.05).toFixed(), 2, 'up'), sz: '1', reduceOnly: false, tif: 'Ioc' }]);
  const nonce = new NonceManager().next();
  const signed = buildExchangeRequest(action, nonce, B.signer.signL1(action, nonce, { isMainnet: false }));
  const hot = await Worker.create({
    connection: env.t.nativeConnection,
    namespace: env.t.namespace,
    taskQueue: input.hotPathTaskQueue,
    activities: {
      async engageHotPathLatch() {
        await waitUntil(() => confirms, (n) => n >= 1, 30_000, 'first confirm');
        const res = await B.http.exchange(signed as never); // the in-flight post lands now
        expect(res.status).toBe('ok');
        return { engaged: true, cancelsEnqueued: 0, flattenOrders: 0, inFlightAnswered: true };
      },
      async hotPathStatus() {
        return {};
      },
    },
  });
  const run = hot.run();
  try {
    expect(B.isFlat()).toBe(true);
    await h.signal(hardStopSignal, { reason: 'Operator', source: 'test' });
    const s = await waitPhase(h, ['STOPPED_FLAT']);
    expect(B.isFlat()).toBe(true);
    const fills = B.state().fills;
    expect(fills.map((f) => f.side)).toEqual(['B', 'A']); // the late order, then the stop's close
    const r = (await env.t.client.workflow.getHandle(stopWorkflowId(input.sessionId, 1)).result()) as StopSequenceResult;
    const steps = r.steps.join('\n');
    // either interleaving is the same safe decision: a flat read not known to follow the latch answer is confirmed again
    expect(steps).toMatch(/the venue shows flat, but the hot path (has not answered yet|answered after that read) — confirming again/);
    expect(steps).toMatch(/sell 1 SOL @ .* IOC → filled 1/);
    expect(r).toMatchObject({ outcome: 'STOPPED_FLAT', latch: 'engaged', inFlightAnswered: true, remaining: [], openOrdersLeft: 0 });
    expect(s.positions).toEqual([]);
    await h.terminate('test done');
  } finally {
    hot.shutdown();
    await run;
    await wB.shutdown();
  }
});

test('`hlx abandon --note` is the only way a stuck stop ends with exposure left: refused without a note or when nothing is stopping; then STOP_ABANDONED', async () => {
  const B = simAccountOn(env.sim);
  const wB = await stopWorkerFor(B);
  try {
    await openExposure(B, { BTC: '0.01' });
    env.sim.admin.noLiquidity(true);
    const { h, input } = await sessionOf(B, { fastRounds: 1, slowRoundMs: 300 });
    const early = await runCli(env, ['abandon', '--note', 'too early', '--session-id', input.sessionId]);
    expect(early.status).toBe(1);
    expect(early.stderr + early.stdout).toMatch(/abandon refused .*only accepted while a stop is in force/);
    await h.signal(hardStopSignal, { reason: 'Operator', source: 'test' });
    await waitPhase(h, ['STOP_STUCK']);
    const noNote = await runCli(env, ['abandon', '--note', ' ', '--session-id', input.sessionId]);
    expect(noNote.status).not.toBe(0);
    const r = await runCli(env, ['abandon', '--note', 'book gone; closing BTC by hand', '--operator', 'ops', '--session-id', input.sessionId]);
    expect(r.stdout).toMatch(/phase STOP_ABANDONED; positions last seen: BTC 0\.01/);
    const s = await h.query(stateQuery);
    expect(s.phase).toBe('STOP_ABANDONED');
    expect(s.stops[0]).toMatchObject({ outcome: 'STOP_ABANDONED' });
    expect(s.stepsDone.join('\n')).toMatch(/abandon requested by ops: book gone; closing BTC by hand/);
    expect((await env.t.client.workflow.getHandle(stopWorkflowId(input.sessionId, 1)).describe()).status.name).toBe('COMPLETED');
    await h.terminate('test done');
  } finally {
    env.sim.admin.noLiquidity(false);
    await wB.shutdown();
  }
});
