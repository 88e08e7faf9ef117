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
 * This file is the composition root; its parts live in workers/hotpath/: the holder of the
 * current hot path, the venue feed and resync, the session gate, the ports to the session, and
 * the process entry point with its signal handling.
 */
import * as os from 'node:os';
import type { Client } from '@temporalio/client';
import { Worker, type NativeConnection } from '@temporalio/worker';
import { createHotPathActivities } from '../activities/hotpath';
import { readEnv } from '../src/config/env';
import type { SessionConfig } from '../src/config/session';
import { loadTemporalYaml, type TemporalYaml } from '../src/config/temporal';
import type { HotPath } from '../src/executor/hot-path';
import type { WirePort } from '../src/executor/ports';
import { hostFromHotPath } from '../src/gateway/host';
import { gatewayToken, startGateway, type Gateway } from '../src/gateway/server';
import type { VenueClient } from '../src/exchange/hyperliquid/venue-client';
import { SESSION_WORKFLOW_TYPE } from '../src/orchestration/ids';
import { isHardStopReason, type HardStopReason, type HardStopRecord } from '../src/risk/reasons';
import { HardStopJournal, type JournalEntry } from '../src/state/hardstop-journal';
import type { MarketMeta } from '../src/state/market-state';
import { createLogger, type Logger } from '../src/util/log';
import type { SessionPhase, SessionState, TradingSessionInput } from '../workflows/messages';
import { HotPathHolder } from './hotpath/hot-path-holder';
import { PendingCalls } from './hotpath/pending-calls';
import { SessionGate } from './hotpath/session-gate';
import { createSessionPorts, type SessionLink } from './hotpath/session-ports';
import { VenueSync } from './hotpath/venue-sync';
import { DeadManSwitch, type DeadManStatus } from './hotpath/dead-man-switch';
import { HotPathLeaseHolder, type LeaseStatus } from './hotpath/lease';
import { RiskCheckpointer } from './hotpath/risk-checkpoint';
import { sessionIdentity, sessionInput, taskQueuesFrom, type TaskQueues } from './session-client';
import { workerOptions } from './worker-options';

export { kickOnHardStop } from './hotpath/hot-path-holder';

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
  const journal = opts.stateDir ? new HardStopJournal(id.sessionId, opts.stateDir) : new HardStopJournal(id.sessionId);
  const owed = journal.pending();
  const { delivery, ...ports } = createSessionPorts({ ...link, config: cfg, log, pending, closed: () => closed, journal });
  if (owed.length > 0) {
    log.error('unacknowledged HardStop in the journal: this hot path starts latched and delivers it before anything else', {
      journal: journal.file,
      reasons: owed.map((e) => e.reason).join(','),
    });
  }
  // delivered before the session is asked anything (the gate starts polling only after this)
  const owedDelivered = Promise.all(owed.map((e) => delivery.deliver(e))).then((oks) => oks.every(Boolean));

  // the session workflow exists from now on (an operator can stop it by id even before the venue
  // is up); best effort: the ready report starts it too, and Temporal may be down
  pending.track(
    client.workflow
      .start(SESSION_WORKFLOW_TYPE, { workflowId: id.sessionId, taskQueue: queues.session, args: [link.input], workflowIdConflictPolicy: 'USE_EXISTING' })
      .then(() => log.info('session workflow running', { sessionId: id.sessionId })),
  );

  // ---- #11: the risk counters (restored into every hot path built) and the lease ----
  const checkpointer = new RiskCheckpointer({
    sessionId: id.sessionId,
    ...(opts.stateDir ? { stateRoot: opts.stateDir } : {}),
    monitor: () => holder.current.riskMonitor,
    handle,
    intervalMs: cfg.risk.checkpointIntervalMs,
    log,
  });
  const lease = new HotPathLeaseHolder({ client, log, clock, latch: (why) => holder.current.hardStop('HotPathLost', 'lease', { why }) });

  // ---- the venue: meta → markets → the hot path ----
  await venue.connect();
  const meta = await venue.meta();
  const markets = marketsFromMeta(meta, cfg.markets);
  // the whole universe too: exposure and foreign orders in markets the session does not trade
  const universe = marketsFromMeta(meta, meta.universe.map((u) => u.name));
  const user = cfg.venue.vaultAddress ?? cfg.account.address;
  const holder: HotPathHolder = new HotPathHolder(
    () => ({
      config: cfg,
      markets,
      universe,
      venueInfo: venue,
      user,
      wire: opts.wire,
      transport: venue,
      ...ports,
      clock,
      onStrategyEvent: (ev) => gateway?.publish(ev),
      onError: (where, e) => log.error('hot path error', { where, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) }),
      onRiskChange: () => checkpointer.onChange(),
    }),
    (h) => {
      h.latch.onTrigger((rec) => delivery.onLatched(rec));
      // before any event reaches it: the counters of this session so far
      checkpointer.restoreLocal(h.riskMonitor);
    },
  );
  if (owed.length > 0) latchFromJournal(holder.current, owed[0], delivery);

  // ---- the session's word, and the feeds that feed the current hot path ----
  let sync: VenueSync | undefined;
  const gate = new SessionGate({
    link,
    handle,
    holder,
    hostId,
    hotPathTaskQueue: id.hotPathTaskQueue,
    markets: cfg.markets,
    pending,
    log,
    clock,
    phasePollMs: opts.phasePollMs ?? 500,
    temporalStaleMs: opts.temporalStaleMs ?? 5_000,
    // a lease needs this process's Temporal worker to hold it (none in tests of the hot path alone)
    ...(opts.connection ? { leaseMs: cfg.risk.hotPathLeaseMs } : {}),
    onSessionState: (s) => checkpointer.restoreFromSession(s),
    fromSession: (fn) => delivery.alreadyJournalled(fn),
    onResumed: () => {
      const hp = holder.rebuild();
      hp.onSocketState({ up: venue.socketUp(), at: clock() });
      hp.start();
      void sync?.resync();
    },
  });
  sync = new VenueSync({
    venue,
    user,
    coins: cfg.markets,
    holder,
    clock,
    log,
    onSynced: () => gate.requestReport(),
    onSocketDown: () => gate.socketDown('socket down'),
    closed: () => closed,
  });
  // the first sync (positions) before the session is asked
  await sync.waitFirstSync(10_000);

  // ---- the strategy gateway (before anything polls: a port in use fails the start cleanly) ----
  if (cfg.gateway && token) {
    const host = hostFromHotPath(id.sessionId, () => holder.current, clock);
    gateway = await startGateway({ config: cfg.gateway, host, token, log: log.child('gateway') }).catch(async (e: Error) => {
      closed = true;
      sync?.feed.stop();
      await venue.close().catch(() => {});
      throw new Error(`gateway.listen: cannot listen: ${e.message}`);
    });
  }

  // ---- the Temporal worker on this session's own queue ----
  let worker: Worker | undefined;
  let finished: Promise<void> = Promise.resolve();
  let failure: Error | null = null;
  if (opts.connection) {
    worker = await Worker.create({
      connection: opts.connection,
      namespace: opts.namespace ?? 'default',
      taskQueue: id.hotPathTaskQueue,
      activities: createHotPathActivities(() => holder.current, id.sessionId, { lease, fromWorkflow: (t) => delivery.alreadyJournalled(t) }),
      ...workerOptions('hotpath', { settings: yaml.worker }),
    });
    // the hot path can no longer be reached by its stop sequence nor hold its lease: a Temporal
    // worker that fails, or stops while nobody asked it to, is fatal (fail closed)
    const workerFailed = (e: Error) => {
      failure = e;
      log.error('Temporal worker stopped underneath the hot path: HardStop(HotPathLost), journalled', { error: e.message });
      holder.current.hardStop('HotPathLost', 'temporal-worker', { error: e.message });
    };
    finished = worker.run().then(
      () => {
        if (!closed) workerFailed(new Error('the Temporal worker stopped on its own'));
      },
      (e) => {
        if (!closed) workerFailed(e instanceof Error ? e : new Error(String(e)));
        else log.error('Temporal worker stopped with an error during shutdown', { error: (e as Error).message });
      },
    );
    if (opts.faultStopTemporalWorkerAfterMs !== undefined) {
      const w = worker;
      setTimeout(() => {
        log.warn('fault injection: stopping the Temporal worker underneath the hot path');
        if (w.getState() === 'RUNNING') w.shutdown();
      }, opts.faultStopTemporalWorkerAfterMs).unref();
    }
  }

  // nothing is asked of the session (and so nothing can be allowed to trade) before what the
  // journal owed is delivered; a latched hot path runs meanwhile (it cancels, never opens)
  if (owed.length === 0) gate.start();
  else
    void owedDelivered.then((ok) => {
      if (ok && !closed) {
        log.warn('journalled HardStop delivered to the session workflow', { journal: journal.file });
        gate.start();
      }
    });
  holder.current.start();
  const deadMan =
    opts.deadManSwitch === false
      ? null
      : new DeadManSwitch({
          sessionId: id.sessionId,
          ...(opts.stateDir ? { stateRoot: opts.stateDir } : {}),
          wire: opts.wire,
          transport: venue,
          log,
          clock,
          leadMs: Math.max(10_000, 2 * cfg.risk.hotPathLeaseMs),
          rearmMs: Math.max(2_000, Math.floor(cfg.risk.hotPathLeaseMs / 2)),
        });
  deadMan?.start();
  if (worker) log.info(`hot-path worker ready: polling ${id.hotPathTaskQueue} as ${worker.options.identity} for account ${cfg.account.address} (network ${cfg.venue.network})`);
  log.info('hot-path worker started', { sessionId: id.sessionId, taskQueue: id.hotPathTaskQueue, markets: cfg.markets.join(','), hostId });

  let shutdownP: Promise<void> | null = null;
  const feed = sync.feed;
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
    get finished() {
      return finished;
    },
    journal,
    failure: () => failure,
    lease: () => lease.status(),
    deadMan: () => deadMan?.status() ?? null,
    fatal(where: string, e: unknown): void {
      const error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      failure ??= new Error(`${where}: ${error}`);
      holder.current.hardStop('HotPathLost', where, { error });
    },
    shutdown(): Promise<void> {
      shutdownP ??= (async () => {
        closed = true;
        // a planned shutdown hands the lease back (the session must not take it for a death); after a
        // fatal failure it is left to run out, so the session stops on its own as well
        if (!failure) lease.release('shutdown');
        holder.current.stop();
        await gateway?.close().catch((e) => log.warn('gateway did not close cleanly', { error: (e as Error).message }));
        const bounded = (p: Promise<unknown>) => Promise.race([p.catch(() => undefined), new Promise((r) => setTimeout(r, 3_000))]);
        await Promise.all([bounded(checkpointer.close()), deadMan ? bounded(deadMan.stop()) : Promise.resolve()]);
        const gateStopped = gate.stop('shutting down', 3_000);
        // bounded: an unreachable Temporal must not hold the shutdown up
        await pending.drain(3_000);
        await gateStopped;
        if (worker && worker.getState() === 'RUNNING') worker.shutdown();
        await finished;
        feed.stop();
        await venue.close().catch(() => {});
        reportOwed(journal, log);
        log.info('hot-path worker stopped', { sessionId: id.sessionId });
      })();
      return shutdownP;
    },
  };
}

/** The journal's HardStop latches a hot path built in a new process (no second journal entry, no second signal). */
function latchFromJournal(hp: HotPath, e: JournalEntry, delivery: { alreadyJournalled: (fn: () => void) => void }): void {
  const reason: HardStopReason = isHardStopReason(e.reason) ? e.reason : 'Operator';
  delivery.alreadyJournalled(() => hp.latch.trigger(reason, e.source));
  hp.executor.onHardStop(reason);
}

/** Shutdown never drops a HardStop silently: what is still owed is named, with the journal's path. */
export function reportOwed(journal: HardStopJournal, log: Logger): void {
  let left: JournalEntry[] = [];
  try {
    left = journal.pending();
  } catch (e) {
    log.error('HardStop journal unreadable at shutdown', { journal: journal.file, error: (e as Error).message });
    return;
  }
  if (left.length > 0) {
    log.error(`${left.length} HardStop(s) NOT acknowledged by Temporal: kept in the journal, delivered at the next start`, {
      journal: journal.file,
      reasons: left.map((x) => `${x.reason}/${x.source}`).join(','),
    });
  }
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
