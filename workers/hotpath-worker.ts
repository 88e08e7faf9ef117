/**
 * The hot-path worker: one process per trading session that holds the socket, the market state,
 * the gates, the scheduler tick, the RiskMonitor and the strategy (src/executor createHotPath),
 * and runs a Temporal worker on its own task queue `<hotPathPrefix>-<sessionId>` serving the
 * activities that need its memory (activities/hotpath.ts).
 *
 * Temporal is never on the order path. It is asked, before any trading, whether the session may
 * trade (workers/hotpath/session-gate.ts): a session that is stopping or stopped stays stopped
 * after a restart until an operator resumes it, and a Temporal that cannot be reached means no
 * new exposure (fail closed). HardStops go to the session workflow with signalWithStart, so they
 * are durable even when no workflow is running yet (workers/hotpath/session-ports.ts).
 *
 * This file is the composition root; its parts live in workers/hotpath/: what the journal owes
 * (owed-hardstops), the ports to the session (session-ports), what each hot path is built from
 * (hot-path-deps) and the holder of the current one, the session gate and the venue feed wired to
 * each other (session-and-venue), the risk checkpoint, the lease and the venue's dead-man switch,
 * the Temporal worker on the session's queue (session-worker), the shutdown order (shutdown), and
 * the process entry point with its signal handling (process).
 */
import * as os from 'node:os';
import type { Client } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { readEnv } from '../src/config/env';
import type { SessionConfig } from '../src/config/session';
import { loadTemporalYaml, type TemporalYaml } from '../src/config/temporal';
import type { HotPath } from '../src/executor/hot-path';
import type { WirePort } from '../src/executor/ports';
import { hostFromHotPath } from '../src/gateway/host';
import { gatewayToken, startGateway, type Gateway } from '../src/gateway/server';
import type { VenueClient } from '../src/exchange/hyperliquid/venue-client';
import type { HardStopReason, HardStopRecord } from '../src/risk/reasons';
import type { HardStopJournal } from '../src/state/hardstop-journal';
import { createLogger, type Logger } from '../src/util/log';
import type { SessionPhase, SessionState, TradingSessionInput } from '../workflows/messages';
import { hotPathDepsFor, tradingUser } from './hotpath/hot-path-deps';
import { HotPathHolder } from './hotpath/hot-path-holder';
import { PendingCalls } from './hotpath/pending-calls';
import { connectSessionAndVenue } from './hotpath/session-and-venue';
import { createSessionPorts, startSessionWorkflow, type SessionLink } from './hotpath/session-ports';
import { DeadManSwitch, deadManTimings, type DeadManStatus } from './hotpath/dead-man-switch';
import { HotPathLeaseHolder, type LeaseStatus } from './hotpath/lease';
import { deliverOwed, latchFromJournal, readOwed, reportOwed } from './hotpath/owed-hardstops';
import { RiskCheckpointer } from './hotpath/risk-checkpoint';
import { SessionDescriber } from './hotpath/session-describer';
import { runSessionWorker } from './hotpath/session-worker';
import { BOUND_MS, shutdownInOrder } from './hotpath/shutdown';
import { sessionIdentity, sessionInput, taskQueuesFrom, type TaskQueues } from './session-client';

export { kickOnHardStop } from './hotpath/hot-path-holder';
export { marketsFromMeta } from './hotpath/hot-path-deps';

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
  /** root of the session state directories (default HLX_STATE_DIR or .run/state) */
  stateDir?: string;
  /** arm the venue's scheduled cancel (default true; the venue refuses it below $1M volume) */
  deadManSwitch?: boolean;
  /**
   * Fault injection for the exit-code tests (HLX_FAULT_INJECT, workers/hotpath/process.ts): the
   * Temporal worker is made to stop underneath the hot path this long after the start, ms.
   */
  faultStopTemporalWorkerAfterMs?: number;
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
  /** the signal gateway, when the config has `gateway:` */
  readonly gateway?: Gateway;
  /** Resolves when the Temporal worker stopped (after shutdown()). */
  readonly finished: Promise<void>;
  /** the HardStop journal of this session: what is owed to Temporal survives this process */
  readonly journal: HardStopJournal;
  /** the fatal failure of this process, if one happened (its Temporal worker failed, an uncaught error) */
  failure(): Error | null;
  /** A fatal failure: HardStop(HotPathLost) latched and journalled; the process must then exit non-zero. */
  fatal(where: string, e: unknown): void;
  /** the session's lease on this hot path, and the venue's scheduled cancel (`hlx session status`) */
  lease(): LeaseStatus;
  deadMan(): DeadManStatus | null;
  shutdown(): Promise<void>;
}

export async function startHotPathWorker(opts: StartHotPathWorkerOptions): Promise<HotPathWorker> {
  const cfg = opts.config;
  const log = opts.log ?? createLogger('hotpath-worker');
  const clock = opts.clock ?? Date.now;
  const yaml = opts.temporal ?? loadTemporalYaml();
  const queues = opts.queues ?? taskQueuesFrom(yaml);
  const id = sessionIdentity(cfg, queues);
  const hostId = opts.hostId ?? `${os.hostname()}:${process.pid}`;
  const { client, venue } = opts;
  const link: SessionLink = { client, sessionId: id.sessionId, queues, input: sessionInput(cfg, queues) };
  const handle = client.workflow.getHandle(id.sessionId);
  const pending = new PendingCalls(log);
  let closed = false;
  // the gateway's token is checked before anything starts (a missing one names gateway.tokenEnv)
  const token = cfg.gateway ? gatewayToken(cfg.gateway) : undefined;
  let gateway: Gateway | undefined;
  // the journal first: a HardStop an earlier process raised and Temporal never acknowledged
  const { journal, owed } = readOwed(id.sessionId, opts.stateDir, log);
  const { delivery, ...ports } = createSessionPorts({ ...link, config: cfg, log, pending, closed: () => closed, journal });
  // delivered before the session is asked anything (the gate starts polling only after this)
  const owedDelivered = deliverOwed(owed, delivery);
  // the session workflow exists from now on (an operator can stop it by id even before the venue
  // is up); best effort: the ready report starts it too, and Temporal may be down
  pending.track(startSessionWorkflow(link).then(() => log.info('session workflow running', { sessionId: id.sessionId })));

  // the risk counters (restored into every hot path built) and the lease (#11)
  const checkpointer = new RiskCheckpointer({
    sessionId: id.sessionId,
    stateRoot: opts.stateDir,
    monitor: () => holder.current.riskMonitor,
    handle,
    intervalMs: cfg.risk.checkpointIntervalMs,
    log,
  });
  const describer = new SessionDescriber(handle, clock);
  const lease = new HotPathLeaseHolder({ describer, log, clock, latch: (why) => holder.current.hardStop('HotPathLost', 'lease', { why }) });

  // the venue: meta → markets (and the whole universe: exposure and foreign orders in markets the
  // session does not trade) → the hot path
  await venue.connect();
  const meta = await venue.meta();
  const user = tradingUser(cfg);
  const hotPathDeps = hotPathDepsFor({
    config: cfg,
    meta,
    venue,
    wire: opts.wire,
    ports,
    clock,
    log,
    onStrategyEvent: (ev) => gateway?.publish(ev),
    onRiskChange: () => checkpointer.onChange(),
  });
  const holder: HotPathHolder = new HotPathHolder(hotPathDeps, (h) => {
    h.latch.onTrigger((rec) => delivery.onLatched(rec));
    // before any event reaches it: the counters of this session so far, then the account's fills
    // since the newest one they counted (gate 1 stays closed until they are in)
    if (checkpointer.restoreLocal(h.riskMonitor)) void h.catchUpRisk();
  });
  if (owed.length > 0) latchFromJournal(holder.current, owed[0], delivery);

  // the session's word, and the feeds that feed the current hot path
  const { gate, sync } = connectSessionAndVenue({
    link,
    handle,
    holder,
    hostId,
    describer,
    hotPathTaskQueue: id.hotPathTaskQueue,
    markets: cfg.markets,
    pending,
    log,
    clock,
    phasePollMs: opts.phasePollMs ?? 500,
    temporalStaleMs: opts.temporalStaleMs ?? 5_000,
    // a lease needs this process's Temporal worker to hold it (none in tests of the hot path alone)
    ...(opts.connection ? { leaseMs: cfg.risk.hotPathLeaseMs } : {}),
    onSessionState: (s) => {
      if (checkpointer.restoreFromSession(s)) void holder.current.catchUpRisk();
    },
    fromSession: (fn) => delivery.alreadyJournalled(fn),
    venue,
    user,
    closed: () => closed,
  });
  const feed = sync.feed;
  // the first sync (positions) before the session is asked
  await sync.waitFirstSync(10_000);

  // the strategy gateway (before anything polls: a port in use fails the start cleanly)
  if (cfg.gateway && token) {
    const host = hostFromHotPath(id.sessionId, () => holder.current, clock);
    gateway = await startGateway({ config: cfg.gateway, host, token, log: log.child('gateway') }).catch(async (e: Error) => {
      closed = true;
      feed.stop();
      await venue.close().catch(() => {});
      throw new Error(`gateway.listen: cannot listen: ${e.message}`);
    });
  }

  let failure: Error | null = null;
  const fatal = (where: string, e: unknown): void => {
    const error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    failure ??= new Error(`${where}: ${error}`);
    holder.current.hardStop('HotPathLost', where, { error });
  };
  const temporalWorker = opts.connection
    ? await runSessionWorker({
        connection: opts.connection,
        namespace: opts.namespace ?? 'default',
        taskQueue: id.hotPathTaskQueue,
        sessionId: id.sessionId,
        yaml,
        hotPath: () => holder.current,
        activityOptions: { lease, fromWorkflow: (t) => delivery.alreadyJournalled(t) },
        log,
        closing: () => closed,
        onFailed: (e) => {
          log.error('Temporal worker stopped underneath the hot path: HardStop(HotPathLost), journalled', { error: e.message });
          fatal('temporal-worker', e);
        },
        ...(opts.faultStopTemporalWorkerAfterMs !== undefined ? { faultStopAfterMs: opts.faultStopTemporalWorkerAfterMs } : {}),
      })
    : undefined;

  // nothing is asked of the session (and so nothing can be allowed to trade) before what the
  // journal owed is delivered; a latched hot path runs meanwhile (it cancels, never opens)
  if (owed.length === 0) gate.start();
  else
    void owedDelivered.then((ok) => {
      if (!ok || closed) return;
      log.warn('journalled HardStop delivered to the session workflow', { journal: journal.file });
      gate.start();
    });
  holder.current.start();
  const deadMan =
    opts.deadManSwitch === false
      ? null
      : new DeadManSwitch({ sessionId: id.sessionId, stateRoot: opts.stateDir, wire: opts.wire, transport: venue, log, clock, ...deadManTimings(cfg.risk.hotPathLeaseMs) });
  deadMan?.start();
  if (temporalWorker) log.info(`hot-path worker ready: polling ${id.hotPathTaskQueue} as ${temporalWorker.worker.options.identity} for account ${cfg.account.address} (network ${cfg.venue.network})`);
  log.info('hot-path worker started', { sessionId: id.sessionId, taskQueue: id.hotPathTaskQueue, markets: cfg.markets.join(','), hostId });

  let shutdownP: Promise<void> | null = null;
  return {
    sessionId: id.sessionId,
    taskQueue: id.hotPathTaskQueue,
    hostId,
    input: link.input,
    hotPath: () => holder.current,
    lastState: () => gate.lastState(),
    hardStop: (reason = 'Operator', source = 'ctrl-c') => holder.current.hardStop(reason, source),
    waitForPhase: (phases, timeoutMs) => gate.waitForPhase(phases, timeoutMs),
    gateway,
    finished: temporalWorker?.finished ?? Promise.resolve(),
    journal,
    failure: () => failure,
    lease: () => lease.status(),
    deadMan: () => deadMan?.status() ?? null,
    fatal,
    shutdown(): Promise<void> {
      closed = true;
      shutdownP ??= shutdownInOrder({
        failed: () => failure !== null,
        releaseLease: () => lease.release('shutdown'),
        stopTrading: () => holder.current.stop(),
        closeGateway: async () => gateway?.close(),
        flush: [() => checkpointer.close(), async () => deadMan?.stop()],
        stopGate: () => gate.stop('shutting down', BOUND_MS),
        drainCalls: () => pending.drain(BOUND_MS),
        stopWorker: async () => temporalWorker?.shutdown(),
        stopFeed: () => feed.stop(),
        closeVenue: () => venue.close(),
        reportOwed: () => reportOwed(journal, log),
        log,
      }).then(() => log.info('hot-path worker stopped', { sessionId: id.sessionId }));
      return shutdownP;
    },
  };
}

if (require.main === module) {
  const i = process.argv.indexOf('--config');
  const file = i >= 0 ? process.argv[i + 1] : readEnv('HLX_SESSION_CONFIG');
  if (!file) {
    console.error('usage: tsx workers/hotpath-worker.ts --config FILE');
    process.exit(2);
  }
  import('./hotpath/process').then(({ runHotPathProcess }) => runHotPathProcess({ configFile: file })).then(
    (code) => process.exit(code),
    (e) => {
      console.error(`hotpath-worker: ${(e as Error).message}`);
      process.exit(1);
    },
  );
}
