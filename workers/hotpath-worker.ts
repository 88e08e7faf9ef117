/**
 * The hot-path worker: one process per trading session that holds the socket, the market state,
 * the gates, the scheduler tick, the RiskMonitor and the strategy (src/executor createHotPath),
 * and runs a Temporal worker on its own task queue `<hotPathPrefix>-<sessionId>` serving the
 * activities that need its memory (activities/hotpath.ts).
 *
 * Temporal is never on the order path. It is asked, before any trading, whether the session may
 * trade (the hotPathReady update answers with the session's phase): a session that is stopping
 * or stopped stays stopped after a restart until an operator resumes it, and a Temporal that
 * cannot be reached means no new exposure (fail closed). HardStops go to the session workflow
 * with signalWithStart, so they are durable even when no workflow is running yet.
 *
 * Signals: the SDK's default shutdown handling is replaced (main installs the Runtime with
 * `shutdownSignals: []`); the first Ctrl+C / SIGTERM triggers HardStop(Operator, 'ctrl-c') and
 * waits, bounded, for the session to reach STOPPED_FLAT; a second exits at once.
 */
import * as os from 'node:os';
import { WithStartWorkflowOperation, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { DefaultLogger, Runtime, Worker, type NativeConnection } from '@temporalio/worker';
import { createHotPathActivities } from '../activities/hotpath';
import { loadSessionConfig, type SessionConfig } from '../src/config/session';
import { durationMs, loadTemporalYaml, type TemporalYaml } from '../src/config/temporal';
import { createHotPath, type HotPath } from '../src/executor/hot-path';
import type { WirePort } from '../src/executor/ports';
import { positionsFrom } from '../src/exchange/hyperliquid/user-feed';
import type { VenueClient } from '../src/exchange/hyperliquid/venue-client';
import type { HardStopReason, HardStopRecord } from '../src/risk/reasons';
import type { GoNoGoVerdict } from '../src/risk/go-no-go';
import type { MarketMeta } from '../src/state/market-state';
import { createLogger, setLogFormat, type Logger } from '../src/util/log';
import { resolveMetricsSettings } from '../src/metrics/config';
import { attachHotPathMetrics, prepareWorkerMetrics } from '../src/metrics/worker';
import {
  checkpointSignal,
  hardStopSignal,
  hotPathNotReadySignal,
  hotPathReadyUpdate,
  stateQuery,
  type CheckpointReport,
  type SessionPhase,
  type SessionState,
  type TradingSessionInput,
} from '../workflows/messages';
import { SESSION_WORKFLOW_TYPE } from '../src/orchestration/ids';
import { mayTrade, STOPPED_PHASES, STOPPING_PHASES } from '../src/orchestration/session-machine';
import { syncMarketHalts } from '../src/orchestration/market-stop';
import { writeStatusFile } from '../src/cli/session-target';
import { deliverUntilAcked } from './deliver-until-acked';
import { connectTemporal, sessionIdentity, sessionInput, taskQueuesFrom, type TaskQueues } from './session-client';

/** Phases in which a stop is running or done: a restarted hot path stays idle. */
const STOP_PHASES: readonly SessionPhase[] = [...STOPPING_PHASES, ...STOPPED_PHASES];

export interface StartHotPathWorkerOptions {
  config: SessionConfig;
  client: Client;
  /** the worker's connection; omitted = no Temporal worker (tests of the hot path alone) */
  connection?: NativeConnection;
  namespace?: string;
  temporal?: TemporalYaml;
  queues?: TaskQueues;
  /** TRANSPORTS' VenueClient: WS post when up, HTTP otherwise; the user feed reconciled across reconnects */
  venue: VenueClient;
  wire: WirePort;
  hostId?: string;
  /** how often the session's phase is asked, ms */
  phasePollMs?: number;
  /** no answer from Temporal for this long = trading not allowed, ms */
  temporalStaleMs?: number;
  log?: Logger;
  clock?: () => number;
}

export interface HotPathWorker {
  readonly sessionId: string;
  readonly taskQueue: string;
  readonly hostId: string;
  readonly input: TradingSessionInput;
  /** the current hot path (rebuilt after an operator resume) */
  hotPath(): HotPath;
  /** the last state the session workflow answered with */
  lastState(): SessionState | null;
  /** HardStop from this process (Ctrl+C, tests): latch + cancels now, then the durable signal */
  hardStop(reason?: HardStopReason, source?: string): HardStopRecord;
  /** Polls the session's phase until one of `phases` or the timeout; null on timeout. */
  waitForPhase(phases: readonly SessionPhase[], timeoutMs: number): Promise<SessionState | null>;
  /** Resolves when the Temporal worker stopped (after shutdown()). */
  readonly finished: Promise<void>;
  shutdown(): Promise<void>;
}

function jsonSafe(x: unknown): Record<string, unknown> | undefined {
  if (x === undefined || x === null) return undefined;
  try {
    return JSON.parse(JSON.stringify(x, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))) as Record<string, unknown>;
  } catch {
    return { unserializable: String(x) };
  }
}

/**
 * The executor loop sends on its tick (every executor.tickIntervalMs); a HardStop must not wait
 * for it. Once trigger() and onHardStop() have run (same call chain), a microtask runs one loop
 * tick so the cancels go on the wire at once.
 */
export function kickOnHardStop(h: Pick<HotPath, 'latch' | 'loop'>): void {
  h.latch.onTrigger(() => queueMicrotask(() => h.loop.tick()));
}

export function marketsFromMeta(meta: { universe: { name: string; szDecimals: number }[] }, coins: readonly string[]): MarketMeta[] {
  const out: MarketMeta[] = [];
  meta.universe.forEach((u, asset) => {
    if (coins.includes(u.name)) out.push({ coin: u.name, asset, szDecimals: u.szDecimals });
  });
  return out;
}

export async function startHotPathWorker(opts: StartHotPathWorkerOptions): Promise<HotPathWorker> {
  const cfg = opts.config;
  const log = opts.log ?? createLogger('hotpath-worker');
  const clock = opts.clock ?? Date.now;
  const yaml = opts.temporal ?? loadTemporalYaml();
  const queues = opts.queues ?? taskQueuesFrom(yaml);
  const id = sessionIdentity(cfg, queues);
  const input = sessionInput(cfg, queues);
  const hostId = opts.hostId ?? `${os.hostname()}:${process.pid}`;
  const client = opts.client;
  const venue = opts.venue;
  const handle = client.workflow.getHandle(id.sessionId);
  const phasePollMs = opts.phasePollMs ?? 500;
  const temporalStaleMs = opts.temporalStaleMs ?? 5_000;

  const startOp = () =>
    new WithStartWorkflowOperation(SESSION_WORKFLOW_TYPE, {
      workflowId: id.sessionId,
      taskQueue: queues.session,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });

  /** fire-and-forget calls to Temporal, awaited (bounded) at shutdown */
  const pending = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>): void => {
    const q = p.catch((e) => log.debug('session call failed', { error: (e as Error).message })).finally(() => pending.delete(q));
    pending.add(q);
  };
  let closed = false;

  // ---- ports the hot path calls out through ----
  const hardStopPort = {
    async signalHardStop(reason: string, source: string, details?: object): Promise<void> {
      // signalWithStart: durable even when the session workflow is not running yet; retried until
      // Temporal acknowledges (the latch and the cancels have already happened in memory)
      const send = () =>
        client.workflow
          .signalWithStart(SESSION_WORKFLOW_TYPE, {
            workflowId: id.sessionId,
            taskQueue: queues.session,
            args: [input],
            signal: hardStopSignal,
            signalArgs: [{ reason, source, ...(details ? { details: jsonSafe(details) } : {}) }],
          })
          .then(() => undefined);
      const delivered = deliverUntilAcked(send, { what: `HardStop(${reason}) signal`, log, cancelled: () => closed });
      track(delivered);
      if (await delivered) log.warn('HardStop signalled to the session workflow', { reason, source, sessionId: id.sessionId });
    },
  };
  const checkpointPort = {
    async reportCheckpoint(v: object): Promise<void> {
      const verdict = v as GoNoGoVerdict;
      const rule = cfg.goNoGo.checkpoints.find((r) => r.trades === verdict.checkpoint);
      const report: CheckpointReport = {
        checkpoint: verdict.checkpoint,
        verdict: verdict.verdict,
        figures: verdict.figures,
        failed: verdict.failed,
        ...(rule ? { rule } : {}),
      };
      await client.workflow.signalWithStart(SESSION_WORKFLOW_TYPE, {
        workflowId: id.sessionId,
        taskQueue: queues.session,
        args: [input],
        signal: checkpointSignal,
        signalArgs: [report],
      });
      log.info('Go/No-Go checkpoint reported', { checkpoint: verdict.checkpoint, verdict: verdict.verdict });
    },
  };
  const alert = {
    alert(level: 'info' | 'warn' | 'critical', message: string, details?: Record<string, unknown>) {
      (level === 'critical' ? log.error : level === 'warn' ? log.warn : log.info)(message, details);
    },
  };

  // the session workflow exists from now on (an operator can stop it by id even before the venue
  // is up); best effort: the ready report below starts it too, and Temporal may be down
  track(
    client.workflow
      .start(SESSION_WORKFLOW_TYPE, { workflowId: id.sessionId, taskQueue: queues.session, args: [input], workflowIdConflictPolicy: 'USE_EXISTING' })
      .then(() => log.info('session workflow running', { sessionId: id.sessionId })),
  );

  // ---- the venue: meta → markets ----
  await venue.connect();
  const markets = marketsFromMeta(await venue.meta(), cfg.markets);

  /** the last operator resume this hot path has seen; a newer one rebuilds a stopped hot path */
  let resumeSeenAt = -Infinity;
  const lastResumeAt = (s: SessionState) => s.resumes.reduce((m, r) => Math.max(m, r.at), -Infinity);
  const build = (): HotPath => {
    const h = createHotPath({
      config: cfg,
      markets,
      wire: opts.wire,
      transport: venue,
      hardStopPort,
      checkpointPort,
      alert,
      clock,
      onError: (where, e) => log.error('hot path error', { where, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) }),
    });
    kickOnHardStop(h);
    return h;
  };
  let hp = build();

  // ---- feeds → hot path (the current one: a resume rebuilds it) ----
  const user = cfg.venue.vaultAddress ?? cfg.account.address;
  let needReport = true;
  let synced = false;
  const feed = venue.userFeed(
    user,
    {
      onFill: (f) => hp.onFill(f),
      onOrderUpdate: (u) => hp.onOrderUpdate(u),
      onOpenOrders: (s) => hp.onOpenOrders(s),
      // positions come last in every (re)connect sync: then the session is asked again
      onPositions: (s) => {
        hp.onPositions(s);
        synced = true;
        needReport = true;
      },
      onMark: (m) => hp.onMarkUpdate(m),
      onMids: (m) => hp.onMids(m),
      onSocketState: (s) => {
        hp.onSocketState(s);
        if (!s.up) {
          // tell the session once per outage (a flapping socket must not flood it with signals)
          if (!needReport || hp.readiness.tradingAllowed) track(handle.signal(hotPathNotReadySignal, { hostId, why: 'socket down' }));
          needReport = true;
          hp.setTradingAllowed(false);
        }
      },
      onError: (where, e) => log.warn('user feed error', { where, error: e instanceof Error ? e.message : String(e) }),
    },
    { coins: [...cfg.markets] },
  );
  if (!venue.socketUp()) hp.onSocketState({ up: false, at: clock() });
  /** a rebuilt hot path starts from the venue's positions and open orders */
  const resync = async (): Promise<void> => {
    for (let attempt = 0; !closed; attempt++) {
      try {
        const oo = await venue.openOrders(user);
        hp.onOpenOrders({ orders: oo.map((o) => ({ oid: o.oid, cloid: o.cloid ?? null })), at: clock() });
        hp.onPositions(positionsFrom(await venue.clearinghouseState(user), clock()));
        needReport = true;
        return;
      } catch (e) {
        log.warn('position/open-order sync failed; retrying', { attempt, error: (e as Error).message });
        await new Promise((r) => setTimeout(r, Math.min(2_000, 100 * 2 ** attempt)));
      }
    }
  };
  // the first sync (positions) before the session is asked
  const syncUntil = clock() + 10_000;
  while (!synced && clock() < syncUntil) await new Promise((r) => setTimeout(r, 20));

  // ---- the Temporal worker on this session's own queue ----
  let worker: Worker | undefined;
  let finished: Promise<void> = Promise.resolve();
  if (opts.connection) {
    worker = await Worker.create({
      connection: opts.connection,
      namespace: opts.namespace ?? 'default',
      taskQueue: id.hotPathTaskQueue,
      activities: createHotPathActivities(() => hp, id.sessionId),
      shutdownGraceTime: durationMs(yaml.worker.shutdownGraceTime),
    });
    finished = worker.run().catch((e) => log.error('Temporal worker stopped with an error', { error: (e as Error).message }));
  }

  // ---- the session's word: trading allowed only while it says READY_TRADING ----
  let state: SessionState | null = null;
  let lastAnswerAt = 0;

  const localReady = () => {
    const r = hp.readiness;
    return r.socketUp && r.snapshotsLoaded && r.positionsSynced;
  };

  const apply = (s: SessionState): void => {
    state = s;
    lastAnswerAt = clock();
    const latch = hp.latch;
    // an operator resumed the session after this hot path stopped: start over with a fresh latch
    if (!latch.isTriggered()) resumeSeenAt = Math.max(resumeSeenAt, lastResumeAt(s));
    else if (!STOP_PHASES.includes(s.phase) && !s.hardStop && lastResumeAt(s) > resumeSeenAt) {
      log.warn('session resumed by an operator: rebuilding the hot path', { note: s.resumes[s.resumes.length - 1]?.note });
      const old = hp;
      old.stop();
      resumeSeenAt = lastResumeAt(s);
      hp = build();
      hp.onSocketState({ up: venue.socketUp(), at: clock() });
      hp.start();
      needReport = true;
      void resync();
      return;
    }
    // market-scoped stops: the session's reduce-only markets, halted here too (after a restart as well)
    const m = syncMarketHalts(hp, s, cfg.markets);
    if (m.halted.length || m.resumed.length) log.warn('market stops applied from the session', m);
    const allowed = mayTrade(s.phase) && !latch.isTriggered() && !needReport;
    if (hp.readiness.tradingAllowed !== allowed) {
      log.info(allowed ? 'session READY_TRADING: trading allowed' : 'trading not allowed by the session', { phase: s.phase });
    }
    hp.setTradingAllowed(allowed);
  };

  const report = async (): Promise<void> => {
    const positions = hp.tracker.allPositions();
    const s = await client.workflow.executeUpdateWithStart(hotPathReadyUpdate, {
      args: [{ hostId, taskQueue: id.hotPathTaskQueue, positions }],
      startWorkflowOperation: startOp(),
    });
    needReport = false;
    if (STOP_PHASES.includes(s.phase)) {
      log.warn('session is stopped: no order will be sent until an operator resumes it', { phase: s.phase, hardStop: s.hardStop?.reason });
    }
    apply(s);
  };

  let polling = false;
  const poll = async (): Promise<void> => {
    if (polling || closed) return;
    polling = true;
    try {
      if (needReport && localReady()) await report();
      else apply(await handle.query(stateQuery));
      if (state?.phase === 'STARTING' && localReady() && !hp.latch.isTriggered()) needReport = true;
    } catch (e) {
      if (!(e instanceof WorkflowNotFoundError)) log.warn('session workflow not reachable', { error: (e as Error).message });
      else needReport = true;
    } finally {
      polling = false;
      // fail closed: no fresh word from Temporal, no new exposure
      if (clock() - lastAnswerAt > temporalStaleMs && hp.readiness.tradingAllowed) {
        log.warn('no answer from Temporal: trading not allowed', { staleMs: clock() - lastAnswerAt });
        hp.setTradingAllowed(false);
      }
    }
  };
  const pollTimer = setInterval(() => void poll(), phasePollMs);
  pollTimer.unref?.();
  void poll(); // not awaited: an unreachable Temporal must not hold the worker up (it just stays not allowed to trade)
  hp.start();
  log.info('hot-path worker started', { sessionId: id.sessionId, taskQueue: id.hotPathTaskQueue, markets: cfg.markets.join(','), hostId });

  const waitForPhase = async (phases: readonly SessionPhase[], timeoutMs: number): Promise<SessionState | null> => {
    const until = clock() + timeoutMs;
    while (clock() < until) {
      try {
        const s = await handle.query(stateQuery);
        if (phases.includes(s.phase)) return s;
      } catch {
        /* not reachable yet: keep asking until the deadline */
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    return null;
  };

  let shutdownP: Promise<void> | null = null;
  return {
    sessionId: id.sessionId,
    taskQueue: id.hotPathTaskQueue,
    hostId,
    input,
    hotPath: () => hp,
    lastState: () => state,
    hardStop: (reason = 'Operator', source = 'ctrl-c') => hp.hardStop(reason, source),
    waitForPhase,
    get finished() {
      return finished;
    },
    shutdown(): Promise<void> {
      shutdownP ??= (async () => {
        closed = true;
        clearInterval(pollTimer);
        hp.stop();
        hp.setTradingAllowed(false);
        track(handle.signal(hotPathNotReadySignal, { hostId, why: 'shutting down' }));
        // bounded: an unreachable Temporal must not hold the shutdown up
        const deadline = Date.now() + 3_000;
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([Promise.all([...pending]), new Promise((r) => (timer = setTimeout(r, 3_000)))]);
        clearTimeout(timer);
        while (polling && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
        if (worker && worker.getState() === 'RUNNING') worker.shutdown();
        await finished;
        feed.stop();
        await venue.close().catch(() => {});
        log.info('hot-path worker stopped', { sessionId: id.sessionId });
      })();
      return shutdownP;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The process: `hlx worker hotpath --config FILE` / `hlx session start --config FILE`.

export interface RunHotPathProcessOptions {
  configFile: string;
  /** bounded wait for STOPPED_FLAT after the first Ctrl+C, ms */
  stopWaitMs?: number;
  /** called once the worker is up (the CLI starts its status view here) */
  onStarted?: (w: HotPathWorker) => void | Promise<void>;
}

/**
 * Runs the hot-path worker until a signal: first SIGINT/SIGTERM = HardStop(Operator) and a
 * bounded wait for flat, second = exit now. Resolves with the process exit code.
 */
export async function runHotPathProcess(o: RunHotPathProcessOptions): Promise<number> {
  const log = createLogger('hotpath-worker');
  const cfg = loadSessionConfig(o.configFile);
  setLogFormat(cfg.observability.log?.format);
  const metrics = await prepareWorkerMetrics(resolveMetricsSettings(cfg.observability.metrics), log);
  // our own signal handling (temporal.md §5.4): the SDK must not stop polling before the flatten
  try {
    Runtime.install({ shutdownSignals: [], logger: new DefaultLogger('WARN'), ...(metrics.telemetryOptions ? { telemetryOptions: metrics.telemetryOptions } : {}) });
  } catch {
    /* already installed in this process (tests) */
  }
  const t = await connectTemporal({ native: true });
  const { createVenueClient, createWireFor } = await import('./venue-port');
  const venue = createVenueClient(cfg);
  const wire = await createWireFor(cfg);
  const w = await startHotPathWorker({
    config: cfg,
    client: t.client,
    connection: t.nativeConnection,
    namespace: t.settings.namespace,
    temporal: t.yaml,
    queues: t.queues,
    venue,
    wire,
    log,
  });
  const detachMetrics = attachHotPathMetrics(metrics.registry, w, venue);
  const metricsServer = await metrics.serve(log);
  const stopWaitMs = o.stopWaitMs ?? Math.max(30_000, durationMs(t.yaml.worker.shutdownGraceTime));
  let exitCode = 0;
  let signals = 0;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  let firstSignalAt = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    // one Ctrl+C in a terminal reaches npx, tsx and node alike and the wrappers relay it: copies
    // within a second are the same keypress, not the operator's second one
    if (signals > 0 && Date.now() - firstSignalAt < 1_000) return;
    if (signals === 0) firstSignalAt = Date.now();
    signals++;
    if (signals > 1) {
      log.error('second signal: exiting now without waiting for flat', { signal: sig });
      process.exit(130);
    }
    log.warn('stop requested: HardStop(Operator) and waiting for flat (press Ctrl+C again to exit at once)', { signal: sig, waitMs: stopWaitMs });
    w.hardStop('Operator', 'ctrl-c');
    void (async () => {
      const s = await w.waitForPhase(STOPPED_PHASES, stopWaitMs);
      if (!s) {
        log.error('the session did not reach STOPPED_FLAT in time; the stop sequence goes on in Temporal', { waitedMs: stopWaitMs });
        exitCode = 1;
      } else if (s.phase === 'STOP_FAILED') {
        log.error('the stop sequence FAILED: positions may remain', { positions: s.positions });
        exitCode = 1;
      } else {
        log.info('session stopped flat', { phase: s.phase });
      }
      resolveDone();
    })();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // the status the operator CLI shows (`hlx session status`), refreshed every second on this machine
  const writeStatus = () => {
    try {
      writeStatusFile(w.sessionId, JSON.parse(JSON.stringify({ ...w.hotPath().status(), sessionId: w.sessionId, pid: process.pid, at: Date.now() })));
    } catch (e) {
      log.debug('status file not written', { error: (e as Error).message });
    }
  };
  writeStatus();
  const statusTimer = setInterval(writeStatus, 1_000);
  await o.onStarted?.(w);
  await Promise.race([done, w.finished]);
  clearInterval(statusTimer);
  writeStatus();
  await w.shutdown();
  detachMetrics();
  await metricsServer?.close();
  await t.close();
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  return exitCode;
}

if (require.main === module) {
  const i = process.argv.indexOf('--config');
  const file = i >= 0 ? process.argv[i + 1] : process.env.HLX_SESSION_CONFIG;
  if (!file) {
    console.error('usage: tsx workers/hotpath-worker.ts --config FILE');
    process.exit(2);
  }
  runHotPathProcess({ configFile: file }).then(
    (code) => process.exit(code),
    (e) => {
      console.error(`hotpath-worker: ${(e as Error).message}`);
      process.exit(1);
    },
  );
}
