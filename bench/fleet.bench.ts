/**
 * `make bench-fleet` (under scripts/with-devserver.ts): a fleet on one 2-core machine — one
 * Temporal dev server, the simulator, stop workers, ACCOUNTS × 2 trading sessions (demo strategy)
 * plus IDLE sessions that trade nothing, the hot paths packed PER_PROCESS to a child process —
 * then ONE fleet HardStop as `hlx hardstop --all` sends it (src/fleet/client.ts fleetHardStop):
 * every session signalled directly, and a batch signal operation over the search attributes. Reports sessions brought up, fleet HardStop → each session's flat
 * confirmed (first, p50, p99, max; the stop sequence's own workflow clock), Temporal calls and
 * history events per session-hour while idle and while trading, history per day and the
 * continue-as-new cadence that follows, and memory per session. Writes .run/bench/fleet.json.
 *
 * Stop workers: one activity worker per account on the account's own queue `<stop>-<account>`,
 * as each account's stop worker serves it (#10), all in this process beside one worker for the
 * session and stop workflows and one for the alert deliveries.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { Wallet } from 'ethers';
import { createStopActivities } from '../activities/stop';
import { parseSessionConfig, type SessionConfigInput } from '../src/config/session';
import { HttpClient } from '../src/exchange/hyperliquid/http-client';
import { NonceManager } from '../src/exchange/hyperliquid/nonce';
import { Signer } from '../src/exchange/hyperliquid/signer';
import { describeBatch, fleetHardStop, mapLimit, readStates } from '../src/fleet/client';
import { sessionsQuery } from '../src/fleet/queries';
import { SESSION_WORKFLOW_TYPE } from '../src/orchestration/ids';
import { alertQueue, stopActivityQueue } from '../src/orchestration/stop-plan';
import { createAlertActivities } from '../src/alerts';
import { setLogSink } from '../src/util/log';
import { connectTestTemporal, uniqueQueue } from '../tests/helpers/temporal';
import { sessionInput, type TaskQueues } from '../workers/session-client';
import { WORKFLOWS_PATH } from '../workers/stop-worker';
import { workerOptions } from '../workers/worker-options';
import { loadTemporalYaml } from '../src/config/temporal';
import type { SessionState } from '../workflows/messages';
import type { ChildSpec } from './fleet-hotpaths';

const ACCOUNTS = Number(process.env.HLX_BENCH_FLEET_ACCOUNTS ?? 20);
const IDLE = Number(process.env.HLX_BENCH_FLEET_IDLE ?? 4);
const PER_PROCESS = Number(process.env.HLX_BENCH_FLEET_PER_PROCESS ?? 10);
const WINDOW_MS = Number(process.env.HLX_BENCH_FLEET_WINDOW_MS ?? 60_000);
/** the server's default limit.historyCount.suggestContinueAsNew (temporalio/temporal dynamicconfig) */
const SUGGEST_CAN_EVENTS = 4096;

/** every child this bench started: killed if the bench fails, so none outlives it */
const spawned: ChildProcess[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
}
const log = (m: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${m}`);

function sessionYaml(sim: { httpUrl: string; wsUrl: string }, address: string, id: string, markets: string[], idle: string | null): SessionConfigInput {
  return {
    account: { address },
    venue: { network: 'sim', httpUrl: sim.httpUrl, wsUrl: sim.wsUrl },
    signer: { privateKeyEnv: 'UNUSED_IN_BENCH' },
    markets,
    strategy: idle ? { kind: 'replay', file: idle } : { kind: 'demo', orderNotionalUsd: '15', holdMs: 4_000, cooldownMs: 2_000, aggressionBps: 50 },
    limits: { maxNotionalPerMarketUsd: '100', maxNotionalTotalUsd: '250' },
    risk: { maxCumulativeLossUsd: '1000', maxConsecutiveLosses: 100_000, rejectBurstCount: 100_000, rejectWindowMs: 10_000, maxFillSlippageBps: 5_000, maxDisconnectMs: 120_000 },
    goNoGo: { checkpoints: [{ trades: 1_000_000, minMeanEdgeBps: -1e6, maxMeanSlippageBps: 1e6, minPnlCumulativeUsd: '-1000000' }] },
    session: { id },
  };
}

interface Child {
  proc: ChildProcess;
  sessions: string[];
  up: { rssBaseline: number; rss: number; heapUsed: number };
  ask(): Promise<{ counts: Record<string, number>; rss: number; errors: string[] }>;
}

function spawnChild(spec: ChildSpec, file: string): Promise<Child> {
  fs.writeFileSync(file, JSON.stringify(spec));
  const proc = fork(path.join(__dirname, 'fleet-hotpaths.ts'), [], { execArgv: ['--import', 'tsx', '--expose-gc'], env: { ...process.env, FLEET_SPEC: file }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  spawned.push(proc);
  return new Promise((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`hot-path child exited ${code} before it was up`)));
    proc.once('message', (m: { type: string; sessions: string[]; rssBaseline: number; rss: number; heapUsed: number }) => {
      proc.removeAllListeners('exit');
      resolve({
        proc,
        sessions: m.sessions,
        up: m,
        ask: () =>
          new Promise((r) => {
            const on = (x: { type: string }) => {
              if (x.type !== 'counts') return;
              proc.off('message', on);
              r(x as never);
            };
            proc.on('message', on);
            proc.send({ type: 'counts' });
          }),
      });
    });
  });
}

function startSimChild(fundAddresses: string[]): Promise<{ httpUrl: string; wsUrl: string; stop(): void }> {
  const proc = fork(path.join(__dirname, 'sim-server.ts'), [], { execArgv: ['--import', 'tsx'], env: { ...process.env, SIM_BENCH_FUND: fundAddresses.join(',') }, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  spawned.push(proc);
  return new Promise((resolve, reject) => {
    let buf = '';
    proc.once('exit', (code) => reject(new Error(`simulator exited ${code}`)));
    proc.stdout!.on('data', (d) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      const u = JSON.parse(buf.slice(0, nl)) as { httpUrl: string; wsUrl: string };
      proc.removeAllListeners('exit');
      resolve({ ...u, stop: () => proc.send({ type: 'stop' }) });
    });
  });
}

/** History events that are billed Actions on Temporal Cloud (an estimate: signals, updates, activities, timers, upserts, child and workflow starts). */
const ACTION_EVENTS = /^(WORKFLOW_EXECUTION_SIGNALED|WORKFLOW_EXECUTION_UPDATE_ACCEPTED|ACTIVITY_TASK_SCHEDULED|TIMER_STARTED|UPSERT_WORKFLOW_SEARCH_ATTRIBUTES|START_CHILD_WORKFLOW_EXECUTION_INITIATED|WORKFLOW_EXECUTION_STARTED|WORKFLOW_EXECUTION_CONTINUED_AS_NEW)$/;

/** `EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED` → `WORKFLOW_EXECUTION_SIGNALED` (a history holds the enum's number). */
function eventTypeName(t: unknown): string {
  const name = typeof t === 'number' ? temporal.api.enums.v1.EventType[t] : String(t ?? '?');
  return (name ?? String(t)).replace(/^EVENT_TYPE_/, '');
}

/** History events per session over a window, by type, from each session's history. */
async function historyEvents(t: Awaited<ReturnType<typeof connectTestTemporal>>, ids: string[], from: number, to: number): Promise<Record<string, number>> {
  const byType: Record<string, number> = {};
  await mapLimit(ids, 8, async (id) => {
    const h = await t.client.workflow.getHandle(id).fetchHistory();
    for (const e of h.events ?? []) {
      const at = Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor(Number(e.eventTime?.nanos ?? 0) / 1e6);
      if (at < from || at >= to) continue;
      const type = eventTypeName(e.eventType);
      byType[type] = (byType[type] ?? 0) + 1;
    }
  });
  return byType;
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const lines: string[] = [];
  setLogSink({ write: (l) => void (/ ERROR /.test(l) && lines.length < 50 && lines.push(l)) });
  const t = await connectTestTemporal();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hlx-fleet-'));
  const emptyReplay = path.join(tmp, 'idle.jsonl');
  fs.writeFileSync(emptyReplay, '');
  const wallets = Array.from({ length: ACCOUNTS + (IDLE > 0 ? 1 : 0) }, () => Wallet.createRandom());
  const fund = Object.fromEntries(wallets.map((w) => [w.address.toLowerCase(), '1000000']));
  // the simulator on its own event loop (bench/sim-server.ts, the venue's rate limits lifted): 44
  // sockets and the fleet's orders must not wait behind this process's Temporal workers
  const sim = await startSimChild(Object.keys(fund));
  const queues: TaskQueues = { session: uniqueQueue('fleet-session'), stop: uniqueQueue('fleet-stopwf'), hotPathPrefix: uniqueQueue('fleet-hp') };
  const bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never });
  const workers: Worker[] = [];
  const runs: Promise<void>[] = [];
  // one worker for the session and stop workflows (any worker may run them) ...
  for (const q of [queues.session, queues.stop]) {
    // the production worker options (poller autoscaling, sticky timeout from temporal.yaml), unversioned
    const kind = q === queues.session ? 'session' : 'stop';
    const w = await Worker.create({ connection: t.nativeConnection, namespace: t.namespace, taskQueue: q, workflowBundle: bundle, maxCachedWorkflows: 500, ...workerOptions(kind, { settings: loadTemporalYaml().worker, build: null }) });
    workers.push(w);
    runs.push(w.run());
  }
  // ... the stop activities of each account on its own queue, as its stop worker serves them in
  // production (`<stop>-<account>`, src/orchestration/stop-plan.ts), and the alert deliveries
  for (const w of wallets) {
    const signer = Signer.fromPrivateKey(w.privateKey);
    const account = signer.address.toLowerCase();
    const acts = createStopActivities({ venue: new HttpClient(sim.httpUrl, { timeoutMs: 5_000 }), signer, nonces: new NonceManager(), account, isMainnet: false });
    const wk = await Worker.create({ connection: t.nativeConnection, namespace: t.namespace, taskQueue: stopActivityQueue(queues.stop, account), activities: acts });
    workers.push(wk);
    runs.push(wk.run());
  }
  const alerts = await Worker.create({ connection: t.nativeConnection, namespace: t.namespace, taskQueue: alertQueue(queues.stop), activities: createAlertActivities({ envSinks: [] }) });
  workers.push(alerts);
  runs.push(alerts.run());

  // sessions: 2 per trading account (BTC+ETH and SOL), IDLE idle ones on the last account
  const specs: { account: number; cfg: SessionConfigInput; idle: boolean }[] = [];
  for (let i = 0; i < ACCOUNTS; i++) {
    const a = wallets[i].address.toLowerCase();
    specs.push({ account: i, cfg: sessionYaml(sim, a, `fleet-${i}-a`, ['BTC', 'ETH'], null), idle: false });
    specs.push({ account: i, cfg: sessionYaml(sim, a, `fleet-${i}-b`, ['SOL'], null), idle: false });
  }
  for (let j = 0; j < IDLE; j++) specs.push({ account: ACCOUNTS, cfg: sessionYaml(sim, wallets[ACCOUNTS].address.toLowerCase(), `fleet-idle-${j}`, ['BTC', 'ETH', 'SOL'], emptyReplay), idle: true });
  // started here (the hot paths join with USE_EXISTING); each stop's venue work goes to its account's queue
  const ids: string[] = [];
  for (const s of specs) {
    const input = sessionInput(parseSessionConfig(s.cfg), queues);
    await t.client.workflow.start(SESSION_WORKFLOW_TYPE, { workflowId: input.sessionId, taskQueue: queues.session, args: [input], workflowIdConflictPolicy: 'USE_EXISTING' });
    ids.push(input.sessionId);
  }
  const idleIds = ids.filter((_, i) => specs[i].idle);
  const tradingIds = ids.filter((_, i) => !specs[i].idle);

  // hot paths: accounts packed PER_PROCESS sessions to a child (an account's sessions together)
  log(`starting ${specs.length} hot paths, ${PER_PROCESS} per process`);
  const groups: ChildSpec['accounts'][] = [];
  let cur: ChildSpec['accounts'] = [];
  let n = 0;
  for (let i = 0; i <= ACCOUNTS; i++) {
    const sessions = specs.filter((s) => s.account === i).map((s) => s.cfg);
    if (!sessions.length) continue;
    if (n + sessions.length > PER_PROCESS && cur.length) {
      groups.push(cur);
      cur = [];
      n = 0;
    }
    cur.push({ privateKey: wallets[i].privateKey, sessions });
    n += sessions.length;
  }
  if (cur.length) groups.push(cur);
  const upStart = Date.now();
  const children = await Promise.all(groups.map((g, k) => spawnChild({ address: process.env.TEMPORAL_ADDRESS!, namespace: t.namespace, queues, accounts: g }, path.join(tmp, `child-${k}.json`))));
  // every session READY_TRADING
  let states = new Map<string, SessionState | null>();
  const upDeadline = Date.now() + 300_000;
  const readyQuery = `TaskQueue = '${queues.session}' AND ${sessionsQuery({ phases: ['READY_TRADING'] })}`;
  for (;;) {
    // visibility, not 44 state queries a second (see the stop wait below)
    const { count } = await t.client.workflow.count(readyQuery);
    if (count >= ids.length || Date.now() > upDeadline) break;
    await sleep(1_000);
  }
  states = await readStates(t.client, ids, 8);
  const readyIds = ids.filter((id) => states.get(id)?.phase === 'READY_TRADING');
  const upMs = Date.now() - upStart;
  log(`${readyIds.length}/${ids.length} sessions READY_TRADING after ${upMs} ms`);

  // one window of trading (the idle sessions alongside), Temporal calls and history counted
  const describeAll = async () => new Map(await mapLimit(ids, 16, async (id) => [id, await t.client.workflow.getHandle(id).describe()] as const));
  const counts0 = await Promise.all(children.map((c) => c.ask()));
  const d0 = await describeAll();
  const w0 = Date.now();
  await sleep(WINDOW_MS);
  const w1 = Date.now();
  const counts1 = await Promise.all(children.map((c) => c.ask()));
  const d1 = await describeAll();
  const hours = (w1 - w0) / 3_600_000;
  const callsPerKind: Record<string, number> = {};
  counts1.forEach((c, k) => {
    for (const [kind, v] of Object.entries(c.counts)) callsPerKind[kind] = (callsPerKind[kind] ?? 0) + v - (counts0[k].counts[kind] ?? 0);
  });
  const perSessionHour = (idsOf: string[], f: (id: string) => number) => idsOf.reduce((s, id) => s + f(id), 0) / idsOf.length / hours;
  const evTrading = perSessionHour(tradingIds, (id) => d1.get(id)!.historyLength - d0.get(id)!.historyLength);
  const evIdle = IDLE ? perSessionHour(idleIds, (id) => d1.get(id)!.historyLength - d0.get(id)!.historyLength) : NaN;
  const bytesTrading = perSessionHour(tradingIds, (id) => (d1.get(id)!.historySize ?? 0) - (d0.get(id)!.historySize ?? 0));
  const eventTypes = await historyEvents(t, tradingIds, w0, w1);
  // client calls: every session of a child polls the same way; split per session by the child's count
  const totalCalls = Object.values(callsPerKind).reduce((a, b) => a + b, 0);
  const callsPerSessionHour = totalCalls / ids.length / hours;
  const queriesPerSessionHour = (callsPerKind.query ?? 0) / ids.length / hours;
  const actionEvents = Object.entries(eventTypes)
    .filter(([k]) => ACTION_EVENTS.test(k))
    .reduce((a, [, v]) => a + v, 0);
  const actionsTrading = actionEvents / tradingIds.length / hours + queriesPerSessionHour;
  const idleEventTypes = IDLE ? await historyEvents(t, idleIds, w0, w1) : {};
  const idleActionEvents = Object.entries(idleEventTypes).filter(([k]) => ACTION_EVENTS.test(k)).reduce((a, [, v]) => a + v, 0);
  const actionsIdle = IDLE ? idleActionEvents / idleIds.length / hours + queriesPerSessionHour : NaN;
  const acceptedAfter = counts1.map((c) => c.errors).flat();
  log(`window: ${(w1 - w0) / 1000}s; calls ${JSON.stringify(callsPerKind)}; history events (trading) ${JSON.stringify(eventTypes)}`);

  // ---- the fleet HardStop, as `hlx hardstop --all` sends it: direct signals + one batch operation ----
  const loadAtStop = os.loadavg()[0];
  const tStop = Date.now();
  const job = await fleetHardStop(t.client, {}, ids, { reason: 'Operator', source: 'bench-fleet' }, 'bench: fleet HardStop');
  if (job.failed.length || job.batchError) log(`fleet HardStop: ${job.failed.length} direct signal(s) failed; batch ${job.batchError ?? 'started'}`);
  const stopDeadline = Date.now() + 120_000;
  let allFlatSeenAt = 0;
  let final = new Map<string, SessionState | null>();
  // Watched through visibility (one count every 500 ms), not each session's `state` query: a query
  // is a workflow task on the session's worker, and 44 of them every 500 ms were load the bench
  // added to the very stops it measured. The figures are the workflows' own clocks (below).
  const stoppedQuery = `TaskQueue = '${queues.session}' AND ${sessionsQuery({ phases: ['STOPPED_FLAT', 'STOP_FAILED'] })}`;
  for (;;) {
    const { count } = await t.client.workflow.count(stoppedQuery);
    if (count >= readyIds.length) {
      allFlatSeenAt = Date.now();
      break;
    }
    if (Date.now() > stopDeadline) break;
    await sleep(500);
  }
  final = await readStates(t.client, readyIds, 8);
  const batch = await describeBatch(t.client, job.jobId);
  const flatMs: number[] = [];
  const startMs: number[] = [];
  const handledMs: number[] = [];
  let failed = 0;
  for (const id of readyIds) {
    const s = final.get(id);
    const stop = s?.stops[s.stops.length - 1];
    if (s?.phase !== 'STOPPED_FLAT' || !stop?.flatConfirmedAt) {
      failed++;
      continue;
    }
    flatMs.push(stop.flatConfirmedAt - tStop);
    if (process.env.HLX_BENCH_FLEET_DEBUG) log(`${id}: signal +${(s.hardStop?.at ?? 0) - tStop} stop started +${stop.startedAt - tStop} flat +${stop.flatConfirmedAt - tStop} attempts ${stop.attempts} steps ${JSON.stringify(s.stepsDone)}`);
    startMs.push(stop.startedAt - tStop);
    if (s.hardStop) handledMs.push(s.hardStop.at - tStop);
  }
  if (process.env.HLX_BENCH_FLEET_DEBUG && readyIds.length) {
    // one session's and its stop's histories, each event at its offset from the fleet HardStop
    const id = readyIds[Math.floor(readyIds.length / 2)];
    for (const wid of [id, `${id}-stop-1`]) {
      const h = await t.client.workflow.getHandle(wid).fetchHistory();
      const rows = (h.events ?? []).map((e) => {
        const at = Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor(Number(e.eventTime?.nanos ?? 0) / 1e6) - tStop;
        const what = e.activityTaskScheduledEventAttributes?.activityType?.name ?? e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowType?.name ?? e.workflowExecutionSignaledEventAttributes?.signalName ?? '';
        return `${at >= 0 ? '+' : ''}${at} ${eventTypeName(e.eventType)} ${what}`;
      });
      log(`${wid}:\n  ${rows.filter((r) => !r.startsWith('-')).join('\n  ')}`);
    }
  }
  const http = new HttpClient(sim.httpUrl, { timeoutMs: 10_000 });
  const venueFlat = (
    await mapLimit(wallets, 8, async (w) => {
      const a = w.address.toLowerCase();
      const [ch, oo] = await Promise.all([http.clearinghouseState(a), http.openOrders(a)]);
      return ch.assetPositions.every((p) => Number(p.position.szi) === 0) && oo.length === 0;
    })
  ).every(Boolean);
  log(`fleet HardStop: ${flatMs.length}/${readyIds.length} flat, ${failed} not; batch ${batch.state} ${batch.done}/${batch.total}; venue flat: ${venueFlat}`);

  // what one stop adds to a session's history (after the stop, before any resume)
  const d2 = await describeAll();
  const evPerStop = readyIds.reduce((a, id) => a + d2.get(id)!.historyLength - d1.get(id)!.historyLength, 0) / readyIds.length;

  // memory: each child's RSS growth once up, per session it runs
  const memPer = children.map((c) => (c.up.rss - c.up.rssBaseline) / c.sessions.length / 2 ** 20);
  const rssPer = children.map((c) => c.up.rss / c.sessions.length / 2 ** 20);

  const rows: { metric: string; value: number | string; unit: string; goal?: string }[] = [];
  const add = (metric: string, value: number | string, unit: string, goal?: string) => rows.push({ metric, value, unit, ...(goal ? { goal } : {}) });
  add('sessions brought up (READY_TRADING)', readyIds.length, `of ${ids.length} (${ACCOUNTS} accounts × 2 trading + ${IDLE} idle)`, '≥ 40');
  add('hot paths per process', PER_PROCESS, `sessions (${children.length} processes)`);
  add('bring-up: all hot paths started → all READY_TRADING', upMs, 'ms');
  add('fleet HardStop → first session flat confirmed', flatMs.length ? Math.min(...flatMs) : 'none', 'ms');
  add('fleet HardStop → session flat confirmed p50', flatMs.length ? pct(flatMs, 0.5) : 'none', 'ms');
  add('fleet HardStop → session flat confirmed p99', flatMs.length ? pct(flatMs, 0.99) : 'none', 'ms');
  add('fleet HardStop → last session flat confirmed (max)', flatMs.length ? Math.max(...flatMs) : 'none', 'ms', '< 10000 ms');
  add('fleet HardStop → every session seen flat by a 500 ms visibility count', allFlatSeenAt ? allFlatSeenAt - tStop : 'not all', 'ms');
  add('fleet HardStop → signal handled by the session p50 (the session workflow clock)', handledMs.length ? pct(handledMs, 0.5) : 'none', 'ms');
  add('fleet HardStop → signal handled by the session max', handledMs.length ? Math.max(...handledMs) : 'none', 'ms');
  add('fleet HardStop → stop sequence started p50 (direct signal + session workflow task + child start)', startMs.length ? pct(startMs, 0.5) : 'none', 'ms');
  add('fleet HardStop → stop sequence started max', startMs.length ? Math.max(...startMs) : 'none', 'ms');
  add('batch operation', `${batch.state}: ${batch.done} of ${batch.total} signalled, ${batch.failed} failed`, '');
  add('sessions not flat after the fleet HardStop', failed, 'sessions', '0');
  add('venue flat on every account afterwards', venueFlat ? 'yes' : 'NO', '');
  add('Temporal client calls per session-hour (all kinds)', Math.round(callsPerSessionHour), 'calls');
  add('  of which describes (the hot path phase poll, 500 ms, and the lease check; answered by the server alone)', Math.round((callsPerKind.describe ?? 0) / ids.length / hours), 'describes');
  add('  of which state queries (the poll, only when the session history grew)', Math.round(queriesPerSessionHour), 'queries');
  add('history events per session-hour while trading', Math.round(evTrading), 'events');
  add('history events per session-hour while idle', IDLE ? Math.round(evIdle) : 'n/a', 'events');
  add('Temporal actions per session-hour while trading (est.: action events + queries)', Math.round(actionsTrading), 'actions');
  add('Temporal actions per session-hour while idle (est.)', IDLE ? Math.round(actionsIdle) : 'n/a', 'actions');
  add('history per session-day while trading', Math.round(evTrading * 24), 'events');
  add('history bytes per session-day while trading', Math.round((bytesTrading * 24) / 1024), 'KiB');
  add('history events added by one HardStop → STOPPED_FLAT (per session)', Math.round(evPerStop), 'events');
  add('continue-as-new cadence while trading (server suggests at ~4,096 events)', evTrading > 0 ? +(SUGGEST_CAN_EVENTS / evTrading).toFixed(1) : 'none while trading: no history events', evTrading > 0 ? 'hours' : '');
  add('continue-as-new cadence in HardStops (4,096 / the events one stop adds; a resume adds its own)', Math.floor(SUGGEST_CAN_EVENTS / evPerStop), 'stops');
  add('memory per session (RSS growth of a packed process)', +(memPer.reduce((a, b) => a + b, 0) / memPer.length).toFixed(1), 'MiB');
  add('memory per session (process RSS / sessions)', +(rssPer.reduce((a, b) => a + b, 0) / rssPer.length).toFixed(1), 'MiB');
  add('measuring window (trading)', Math.round((w1 - w0) / 1000), 's');
  add('machine', `${os.cpus().length} cores (everything of the bench on them); load average ${loadAtStop.toFixed(1)} at the fleet HardStop; ${new Date().toISOString().slice(0, 10)}`, '');

  console.log('\nfleet bench');
  for (const r of rows) console.log(`  ${r.metric.padEnd(78)} ${String(r.value).padStart(9)} ${r.unit}${r.goal ? `   (goal ${r.goal})` : ''}`);
  if (acceptedAfter.length) console.log(`child warnings (last): ${acceptedAfter.slice(-5).join('\n')}`);
  if (lines.length) console.log(`errors (first): ${lines.slice(0, 5).join('\n')}`);
  const out = path.join(__dirname, '..', '.run', 'bench');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'fleet.json'), JSON.stringify({ name: 'fleet', rows }, null, 2));
  console.log(`wrote ${path.join(out, 'fleet.json')} after ${Math.round((Date.now() - t0) / 1000)} s`);

  for (const c of children) c.proc.send({ type: 'stop' });
  await Promise.all(children.map((c) => new Promise((r) => (c.proc.exitCode !== null ? r(null) : c.proc.once('exit', r)))));
  for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
  await Promise.allSettled(runs);
  sim.stop();
  await t.close();
  fs.rmSync(tmp, { recursive: true, force: true });
  if (failed > 0 || readyIds.length < ids.length) throw new Error(`${failed} session(s) not flat, ${ids.length - readyIds.length} not up`);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    for (const p of spawned) if (p.exitCode === null) p.kill('SIGKILL');
    process.exit(1);
  },
);
