/**
 * tradingSession: the entity workflow of one account and strategy (id sessionWorkflowId(...)).
 * Holds the phase, takes HardStop/checkpoint signals, answers the state query, accepts an
 * operator resume, and runs each stop as a stopSequence child. All decisions are in
 * src/orchestration/session-machine.ts; this file wires messages to them.
 */
import {
  CancellationScope,
  ChildWorkflowFailure,
  ParentClosePolicy,
  isCancellation,
  proxyActivities,
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  setCurrentDetails,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  abandonStopSignal,
  abandonUpdate,
  stopProgressSignal,
  checkpointSignal,
  hardStopSignal,
  hotPathNotReadySignal,
  hotPathReadyUpdate,
  marketHardStopSignal,
  marketResumeUpdate,
  resumeUpdate,
  riskCheckpointSignal,
  stateQuery,
  type HardStopRequest,
  type MarketStopEntry,
  type MarketStopResult,
  type HotPathActivities,
  type SessionState,
  type StopSequenceResult,
  type TradingSessionInput,
} from './messages';
import { stopSequence } from './stop-sequence';
import { marketStopSequence } from './market-stop';
import { marketResumeRejection, marketStopCrashedResult, onMarketHardStop, onMarketResume, onMarketStopFinished } from '../src/orchestration/market-stop';
import { stopWorkflowId } from '../src/orchestration/ids';
import {
  initialState,
  mayContinueAsNew,
  abandonRejection,
  onAbandon,
  onStopProgress,
  nextStopNumber,
  onCheckpoint,
  onHardStop,
  onHotPathNotReady,
  onHotPathReady,
  onResume,
  onStopFinished,
  onStopStarted,
  resumeRejection,
  leaseForNextRun,
  leaseKey,
  leaseOnReady,
  leaseWanted,
  onLeaseHeld,
  onLeaseLost,
  onLeaseReleased,
  onLeaseReturned,
  onResumeRisk,
  onRiskCheckpoint,
  searchAttributeValues,
  sessionDetailsMarkdown,
  stopCrashedResult,
} from '../src/orchestration/session-machine';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { GoNoGoVerdictKey, HardStopReasonKey, TradingAccountKey, TradingPhaseKey } from '../src/orchestration/search-attributes';

export interface TradingSessionTestHooks {
  /** continue-as-new once history reaches this many events (tests; production waits for the server's suggestion) */
  continueAsNewAtHistoryLength?: number;
  /** skip search-attribute upserts (a namespace where they are not registered) */
  noSearchAttributes?: boolean;
}

export async function tradingSession(input: TradingSessionInput & TradingSessionTestHooks): Promise<SessionState> {
  let state = initialState(input, Date.now());
  let stopWanted = false;
  let stopRunning = false;
  /** market stops in flight: no continue-as-new under them */
  let marketStopsRunning = 0;
  let published: Record<string, string | null> = {};

  const publish = () => {
    setCurrentDetails(sessionDetailsMarkdown(state));
    if (input.noSearchAttributes) return;
    const v = searchAttributeValues(state);
    const keys = { TradingPhase: TradingPhaseKey, HardStopReason: HardStopReasonKey, TradingAccount: TradingAccountKey, GoNoGoVerdict: GoNoGoVerdictKey } as const;
    const updates: SearchAttributeUpdatePair[] = [];
    for (const name of Object.keys(keys) as (keyof typeof keys)[]) {
      // Only what changed: each upsert is a history event.
      if (published[name] === v[name]) continue;
      if (v[name] === null && published[name] === undefined) continue;
      updates.push({ key: keys[name], value: v[name] } as SearchAttributeUpdatePair);
    }
    if (updates.length > 0) upsertSearchAttributes(updates);
    published = { ...v };
  };

  const hardStop = (req: HardStopRequest) => {
    const d = onHardStop(state, req, Date.now());
    state = d.state;
    if (d.startStop) stopWanted = true;
  };

  setHandler(
    hardStopSignal,
    (req) => {
      hardStop(req);
      publish();
    },
    { description: 'HardStop {reason, source}: the first one starts the stop sequence; later ones are recorded' },
  );
  setHandler(
    checkpointSignal,
    (report) => {
      const d = onCheckpoint(state, report, Date.now());
      state = d.state;
      if (d.hardStop) hardStop(d.hardStop);
      publish();
    },
    { description: 'Go/No-Go checkpoint figures; NO-GO starts a stop with reason NoGo' },
  );
  setHandler(stateQuery, () => state, { description: 'the session state: phase, positions, stops, checkpoints' });
  setHandler(
    resumeUpdate,
    (req) => {
      state = onResumeRisk(onResume(state, req, Date.now()), req);
      publish();
      return state;
    },
    {
      validator: (req) => {
        const why = resumeRejection(state, req);
        if (why) throw new Error(why);
      },
      description: 'operator resume {note}: accepted only in STOPPED_FLAT and with a note',
    },
  );
  setHandler(
    hotPathReadyUpdate,
    (report) => {
      state = leaseOnReady(onHotPathReady(state, report, Date.now()), report, Date.now());
      publish();
      return state;
    },
    { description: 'the hot path is ready; returns the state (a stopped session stays stopped)' },
  );
  setHandler(hotPathNotReadySignal, () => {
    state = onHotPathNotReady(state, Date.now());
    publish();
  });

  // ---- market-scoped stops: one market reduce-only, cancelled and flattened alone ----
  setHandler(
    marketHardStopSignal,
    (req) => {
      const d = onMarketHardStop(state, req, Date.now());
      state = d.state;
      if (d.start) void runMarketStop(d.start);
      else log.warn('market stop ignored', { coin: req?.coin, why: d.ignored });
      publish();
    },
    { description: 'market HardStop {coin, reason, source}: that market reduce-only, cancelled and flattened; the rest keeps trading' },
  );
  setHandler(
    marketResumeUpdate,
    (req) => {
      state = onMarketResume(state, req, Date.now());
      publish();
      return state;
    },
    {
      validator: (req) => {
        const why = marketResumeRejection(state, req);
        if (why) throw new Error(why);
      },
      description: 'operator market resume {coin, note}: accepted once that market stopped flat',
    },
  );
  // ---- #11 durability: risk checkpoints and the dead-man lease on the hot path ----
  setHandler(
    riskCheckpointSignal,
    (snap) => {
      state = onRiskCheckpoint(state, snap, Date.now());
    },
    { description: "the RiskMonitor's counters (batched by the hot path); restored before it may trade" },
  );
  let leaseClosing = false;
  let leaseDone = holdLeases();

  async function holdLeases(): Promise<void> {
    for (;;) {
      await condition(() => leaseClosing || leaseWanted(state));
      if (leaseClosing) return;
      const key = leaseKey(state)!;
      const { hostId, leaseMs } = state.lease!;
      state = onLeaseHeld(state, Date.now());
      const { holdHotPathLease } = proxyActivities<HotPathActivities>({
        taskQueue: state.hotPathTaskQueue,
        // not picked up, or not renewed, within the lease: the hot path is gone
        scheduleToStartTimeout: leaseMs,
        heartbeatTimeout: leaseMs,
        startToCloseTimeout: '3650 days',
        retry: { maximumAttempts: 1 },
      });
      const scope = new CancellationScope();
      const held = scope.run(() => holdHotPathLease({ hostId, leaseMs }));
      const letGo = condition(() => leaseClosing || leaseKey(state) !== key || !leaseWanted(state));
      const outcome = await Promise.race([held.then((r) => ({ r })), letGo.then(() => 'let-go' as const)]).catch((e: unknown) => ({ e }));
      if (outcome === 'let-go') {
        scope.cancel();
        await held.catch(() => undefined);
        state = onLeaseReleased(state, key, leaseClosing ? 'continue-as-new' : 'let go by the session (a stop, or a new hot path)', Date.now());
      } else if ('r' in outcome) {
        state = onLeaseReturned(state, key, outcome.r, Date.now());
      } else if (isCancellation(outcome.e)) {
        state = onLeaseReleased(state, key, 'cancelled', Date.now());
      } else {
        const msg = outcome.e instanceof Error ? `${outcome.e.message}${outcome.e.cause instanceof Error ? `: ${outcome.e.cause.message}` : ''}` : String(outcome.e);
        const d = onLeaseLost(state, key, msg, Date.now());
        state = d.state;
        if (d.hardStop) {
          log.warn('hot-path lease lost: HardStop(HotPathLost)', { hostId, error: msg });
          hardStop(d.hardStop);
        }
      }
      publish();
    }
  }
  // ---- end #11 ----
  // ---- stop (#10): the running stop's progress, and the operator's abandon ----
  setHandler(
    stopProgressSignal,
    (p) => {
      state = onStopProgress(state, p, Date.now());
      publish();
    },
    { description: 'the running stop reports its phase: STOP_WAITING_WORKER, STOP_STUCK, FLATTENING' },
  );
  setHandler(
    abandonUpdate,
    async (req) => {
      const d = onAbandon(state, req, Date.now(), stopRunning);
      state = d.state;
      publish();
      if (d.signalStop) {
        try {
          await getExternalWorkflowHandle(d.signalStop).signal(abandonStopSignal, { note: req.note.trim(), ...(req.operator ? { operator: req.operator } : {}) });
        } catch (e) {
          // the stop ended meanwhile: its outcome stands (recorded when its result arrives)
          log.warn('abandon: the stop had already ended', { workflowId: d.signalStop, error: e instanceof Error ? e.message : String(e) });
        }
      }
      return state;
    },
    {
      validator: (req) => {
        const why = abandonRejection(state, req);
        if (why) throw new Error(why);
      },
      description: 'operator abandon {note}: gives a running or failed stop up (exposure may remain: handle it by hand)',
    },
  );
  // ---- end stop (#10) ----

  publish();

  for (;;) {
    await condition(() => stopWanted || (mayContinueAsNew(state, stopRunning || marketStopsRunning > 0) && continueAsNewDue(input)));
    if (stopWanted) {
      stopWanted = false;
      stopRunning = true;
      await runStop();
      stopRunning = false;
      continue;
    }
    // Handlers still running would be lost by continue-as-new.
    await condition(allHandlersFinished);
    if (stopWanted) continue;
    // #11: the lease is let go (the hot path sees a requested cancel, not a lost lease) and taken again by the next run
    leaseClosing = true;
    await leaseDone;
    if (stopWanted) {
      leaseClosing = false;
      leaseDone = holdLeases();
      continue;
    }
    state = leaseForNextRun(state);
    log.info('continue-as-new', { sessionId: state.sessionId, historyLength: workflowInfo().historyLength });
    const { carried: _old, ...rest } = input;
    return continueAsNew<typeof tradingSession>({ ...rest, carried: state });
  }

  async function runMarketStop(m: MarketStopEntry): Promise<void> {
    marketStopsRunning++;
    let result: MarketStopResult;
    try {
      const child = await startChild(marketStopSequence, {
        workflowId: m.workflowId,
        taskQueue: input.stopWorkflowTaskQueue ?? workflowInfo().taskQueue,
        args: [{ sessionId: state.sessionId, account: state.account, ...(input.vaultAddress ? { vaultAddress: input.vaultAddress } : {}), coin: m.coin, n: m.n, reason: m.reason, source: m.source, hotPathTaskQueue: state.hotPathTaskQueue, options: input.stop }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        staticSummary: `market stop ${m.n}: ${m.coin} (${m.reason} from ${m.source})`,
      });
      result = await child.result();
    } catch (e) {
      const msg = e instanceof ChildWorkflowFailure ? (e.cause?.message ?? e.message) : e instanceof Error ? e.message : String(e);
      log.error('market stop failed as a workflow', { workflowId: m.workflowId, error: msg });
      result = marketStopCrashedResult(msg);
    } finally {
      marketStopsRunning--;
    }
    state = onMarketStopFinished(state, m.n, result, Date.now());
    publish();
  }

  async function runStop(): Promise<void> {
    const n = nextStopNumber(state);
    const workflowId = stopWorkflowId(state.sessionId, n);
    const reason = state.hardStop?.reason ?? 'Operator';
    const source = state.hardStop?.source ?? 'unknown';
    let result: StopSequenceResult;
    try {
      const child = await startChild(stopSequence, {
        workflowId,
        taskQueue: input.stopWorkflowTaskQueue ?? workflowInfo().taskQueue,
        args: [
          {
            sessionId: state.sessionId,
            account: state.account,
            n,
            reason,
            source,
            hotPathTaskQueue: state.hotPathTaskQueue,
            options: input.stop,
            // stop (#10): the account acted on, the trigger's time (expiresAfter clock), the session's sinks
            ...(input.vaultAddress ? { vaultAddress: input.vaultAddress } : {}),
            ...(state.hardStop ? { triggeredAt: state.hardStop.at } : {}),
            ...(input.alertSinks ? { alertSinks: input.alertSinks } : {}),
          },
        ],
        // A stop in flight finishes even if the session is terminated or reset.
        parentClosePolicy: ParentClosePolicy.ABANDON,
        staticSummary: `stop ${n}: ${reason} from ${source}`,
      });
      state = onStopStarted(state, workflowId, Date.now());
      publish();
      result = await child.result();
    } catch (e) {
      const msg = e instanceof ChildWorkflowFailure ? (e.cause?.message ?? e.message) : e instanceof Error ? e.message : String(e);
      log.error('stop sequence failed as a workflow', { workflowId, error: msg });
      if (state.phase === 'HARD_STOP') state = onStopStarted(state, workflowId, Date.now());
      result = stopCrashedResult(msg);
    }
    state = onStopFinished(state, result, Date.now());
    publish();
  }
}

function continueAsNewDue(input: TradingSessionTestHooks): boolean {
  const info = workflowInfo();
  if (info.continueAsNewSuggested) return true;
  return input.continueAsNewAtHistoryLength !== undefined && info.historyLength >= input.continueAsNewAtHistoryLength;
}
