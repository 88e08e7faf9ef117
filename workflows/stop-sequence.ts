/**
 * stopSequence: one durable stop of a session, a child workflow with id `<sessionId>-stop-<n>`.
 *
 *   latch the hot path (beside the venue work; it answers once its in-flight posts are answered)
 *   → each round: read the venue · cancel (chunked) ‖ flatten (reduce-only IOC priced from the
 *     L2 book, widening round by round up to stop.maxSlippageBps) · confirm from the venue
 *   → flat is declared only when nothing the hot path signed before the trigger can still land
 *   → fast rounds with backoff, then STOP_STUCK at the slow cadence, forever, until flat or an
 *     operator abandons it (continue-as-new keeps a days-long stop's history small).
 *
 * The workflow runs on the shared stop workflow queue; every venue activity runs on the queue of
 * the session's account (`<stop queue>-<account>`, stop-plan.ts stopActivityQueue), which only a
 * stop worker configured for that account polls. No such worker → the activity is not started
 * within workerWaitMs → the stop says it waits (STOP_WAITING_WORKER) and goes on waiting.
 * Decisions live in src/orchestration/stop-plan.ts and flatten.ts; this file only sequences.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  ParentClosePolicy,
  TimeoutFailure,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import {
  abandonStopSignal,
  stopProgressSignal,
  type AbandonRequest,
  type HotPathActivities,
  type LatchOutcome,
  type PositionView,
  type StopCarried,
  type StopProgress,
  type StopSequenceInput,
  type StopSequenceResult,
} from './messages';
import { WRONG_ACCOUNT_ERROR, type AlertRequest, type StopActivities, type StopTarget } from '../src/orchestration/stop-activities';
import {
  actingAccount,
  afterConfirm,
  alertDue,
  alertQueue,
  flatDeclarable,
  isFlat,
  openPositions,
  resolveStopOptions,
  stopActivityQueue,
  summaries,
  wideningBps,
  type ResolvedStopOptions,
  type VenueSnapshot,
} from '../src/orchestration/stop-plan';
import { alertDelivery } from './alert-delivery';

const KEEP_STEPS = 40;

export async function stopSequence(input: StopSequenceInput): Promise<StopSequenceResult> {
  const o = resolveStopOptions(input.options);
  const info = workflowInfo();
  const baseQueue = o.stopTaskQueue ?? info.taskQueue;
  const venueQueue = stopActivityQueue(baseQueue, input.account, input.vaultAddress);
  const target: StopTarget = { account: input.account, ...(input.vaultAddress ? { vaultAddress: input.vaultAddress } : {}) };
  const triggeredAt = input.triggeredAt ?? info.startTime.getTime();
  const c: StopCarried = input.carried ?? { round: 0, steps: [], cancelled: 0, ordersSent: 0, latch: null as never, lastAlertAt: -Infinity, stuckReported: false, runs: 0 };
  let latch: LatchOutcome | null = input.carried?.latch ?? null;
  // a holder, not `let`s: handlers and helpers assign these, which control-flow narrowing does not see
  const st: { abandoned: AbandonRequest | null; snap: VenueSnapshot | null; confirmIssuedAt: number } = { abandoned: null, snap: null, confirmIssuedAt: 0 };
  let reportedPhase: StopProgress['phase'] | null = null;
  const runStartRound = c.round;
  // waiting for a worker adds history without rounds passing: it counts towards continue-as-new too
  let waitsThisRun = 0;

  const step = (s: string) => {
    c.steps.push(s);
    if (c.steps.length > KEEP_STEPS) c.steps.splice(0, c.steps.length - KEEP_STEPS);
    setCurrentDetails(renderDetails(input, c.steps, reportedPhase));
  };
  setHandler(abandonStopSignal, (req) => {
    st.abandoned ??= req;
  });

  const parent = info.parent;
  let progressSeq = 0;
  /** Tells the session on a change of phase (or, `force`, with a fresh note: rate-limited by the caller). */
  const progress = (phase: StopProgress['phase'], note: string, force = false) => {
    if (reportedPhase === phase && !force) return;
    reportedPhase = phase;
    setCurrentDetails(renderDetails(input, c.steps, reportedPhase));
    if (!parent) return;
    // Fire and forget: the session shows it; a session that is gone must not stop the stop.
    // seq: signals to another workflow may arrive out of order; the session keeps the latest
    getExternalWorkflowHandle(parent.workflowId)
      .signal(stopProgressSignal, { n: input.n, seq: c.round * 1000 + ++progressSeq, phase, note, ...(st.snap ? { positions: openPositions(st.snap) } : {}) })
      .catch((e: unknown) => log.warn('stop progress not delivered', { error: failureText(e) }));
  };
  let alertSeq = 0;
  const alert = (level: AlertRequest['level'], outcome: AlertRequest['outcome'], message: string): Promise<unknown> => {
    const req: AlertRequest = {
      level,
      sessionId: input.sessionId,
      stopWorkflowId: info.workflowId,
      outcome,
      message,
      remaining: st.snap ? openPositions(st.snap) : [],
      openOrdersLeft: st.snap ? st.snap.openOrders.length : -1,
      account: actingAccount(input.account, input.vaultAddress),
    };
    c.lastAlertAt = Date.now();
    // Delivered by its own child (retried activities on the alert queue): never delays the stop.
    return startChild(alertDelivery, {
      workflowId: `${info.workflowId}-alert-${c.runs}-${++alertSeq}`,
      taskQueue: info.taskQueue,
      args: [{ alert: req, sinks: input.alertSinks ?? [], queue: alertQueue(baseQueue) }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      staticSummary: `alert: ${outcome}`,
    }).catch((e: unknown) => log.error('alert delivery not started', { error: failureText(e) }));
  };

  const venue = proxyActivities<StopActivities>({
    taskQueue: venueQueue,
    // No stop worker for this account polls within this: the call fails and the stop says it waits.
    scheduleToStartTimeout: o.workerWaitMs,
    startToCloseTimeout: o.activityTimeoutMs,
    // Quick retries: a stop that gives up on a transient HTTP error is worse than one more try.
    retry: { initialInterval: 100, backoffCoefficient: 2, maximumInterval: 1_000, maximumAttempts: 5, nonRetryableErrorTypes: [WRONG_ACCOUNT_ERROR] },
  });
  /** A venue call that waits, visibly, for a stop worker of this account, as long as it takes. */
  async function call<K extends keyof StopActivities>(name: K, summary: string, args: Parameters<StopActivities[K]>): Promise<Awaited<ReturnType<StopActivities[K]>>> {
    let waitedMs = 0;
    for (;;) {
      try {
        const fn = venue[name] as unknown as { executeWithOptions(o: { summary: string }, a: unknown[]): Promise<Awaited<ReturnType<StopActivities[K]>>> };
        const r = await fn.executeWithOptions({ summary }, args);
        if (reportedPhase === 'STOP_WAITING_WORKER') {
          const note = `a stop worker for ${actingAccount(input.account, input.vaultAddress)} is polling: going on`;
          step(note);
          progress(c.stuckReported ? 'STOP_STUCK' : 'FLATTENING', note);
        }
        return r;
      } catch (e) {
        if (!isScheduleToStartTimeout(e) || st.abandoned) throw e;
        if (++waitsThisRun >= o.roundsPerRun) throw e; // the round ends; the run continues as new
        waitedMs += o.workerWaitMs;
        const note = summaries.waitingWorker(venueQueue, waitedMs);
        if (reportedPhase !== 'STOP_WAITING_WORKER') {
          step(note);
          progress('STOP_WAITING_WORKER', note);
          alert('critical', 'STOP_WAITING_WORKER', `${input.sessionId}: ${note}; start \`hlx worker stop\` with HLX_ACCOUNT=${input.vaultAddress ? `${input.account} HLX_VAULT_ADDRESS=${input.vaultAddress}` : input.account}`);
        }
      }
    }
  }

  step(input.carried ? `run ${c.runs + 1} of stop ${input.n}: round ${c.round} done so far` : `stop ${input.n}: ${input.reason} from ${input.source}; venue work on ${venueQueue}`);
  const latchP = latch ? Promise.resolve(latch) : engageLatch(input, o, step).then((l) => (latch = l));

  let outcome: StopSequenceResult['outcome'] = 'STOP_FAILED';
  let flatConfirmedAt: number | undefined;
  for (;;) {
    if (st.abandoned) {
      outcome = 'STOP_ABANDONED';
      step(`ABANDONED by ${st.abandoned.operator ?? 'an operator'}: ${st.abandoned.note}`);
      break;
    }
    c.round++;
    const flat = await runRound(c.round);
    if (flat) {
      const d = flatDeclarable(latch, st.confirmIssuedAt, triggeredAt, o);
      if (d.declarable) {
        outcome = 'STOPPED_FLAT';
        flatConfirmedAt = Date.now();
        break;
      }
      // Something the hot path signed before the trigger may still land: wait, then look again.
      step(
        `round ${c.round}: the venue shows flat, but ` +
          (latch === null ? 'the hot path has not answered yet' : latch.inFlightAnswered ? 'the hot path answered after that read' : 'the hot path could not say its in-flight posts are answered') +
          ` — confirming again${d.waitMs > 0 ? ` in ≤ ${d.waitMs} ms` : ''}`,
      );
      if (d.waitMs > 0) await condition(() => st.abandoned !== null || (latch !== null && latch.inFlightAnswered), d.waitMs);
      st.snap = null; // what landed meanwhile is read and acted on at once
      continue;
    }
    const next = afterConfirm(false, c.round, o);
    if (next.kind !== 'retry') continue;
    if (next.stuck) {
      const note = summaries.stuck(c.round, st.snap, next.waitMs);
      if (!c.stuckReported) {
        c.stuckReported = true;
        progress('STOP_STUCK', note);
        alert('critical', 'STOP_STUCK', `${input.sessionId}: ${note}`);
      } else if (alertDue(Date.now(), c.lastAlertAt, o)) {
        // each failed round past the fast ones alerts, at most once per alertMinIntervalMs
        if (reportedPhase !== 'STOP_WAITING_WORKER') progress('STOP_STUCK', note, true);
        alert('critical', 'STOP_STUCK', `${input.sessionId}: ${note}`);
      }
    }
    if (waitsThisRun < o.roundsPerRun) await condition(() => st.abandoned !== null, next.waitMs);
    if (c.round - runStartRound >= o.roundsPerRun || waitsThisRun >= o.roundsPerRun || workflowInfo().continueAsNewSuggested) {
      const l = await latchP;
      return continueAsNew<typeof stopSequence>({ ...input, carried: { ...c, latch: l, runs: c.runs + 1 } });
    }
  }
  const l = latch ?? (await latchP);

  const remaining: PositionView[] = st.snap ? openPositions(st.snap) : [];
  const openOrdersLeft = st.snap ? st.snap.openOrders.length : -1;
  const message =
    outcome === 'STOPPED_FLAT'
      ? `${input.sessionId}: flat after ${c.round} round(s) (${input.reason} from ${input.source})`
      : `${input.sessionId}: ${outcome} after ${c.round} round(s): ` +
        (st.snap ? `${remaining.map((p) => `${p.coin} ${p.szi}`).join(', ') || 'no position'}, ${openOrdersLeft} open order(s) left` : 'venue state unknown');
  if (outcome !== 'STOPPED_FLAT') log.error('stop sequence ended with exposure possibly left', { sessionId: input.sessionId, outcome, remaining, openOrdersLeft });
  // The last alert's child must be started before this workflow completes (its delivery is not awaited).
  await alert(outcome === 'STOPPED_FLAT' ? 'info' : 'critical', outcome, message);
  step(summaries.alert(outcome, c.round, remaining.length));
  return {
    outcome,
    attempts: c.round,
    latch: l.latch,
    inFlightAnswered: l.inFlightAnswered,
    cancelled: c.cancelled,
    ordersSent: c.ordersSent,
    remaining,
    openOrdersLeft,
    steps: c.steps,
    ...(flatConfirmedAt !== undefined ? { flatConfirmedAt } : {}),
    ...(outcome !== 'STOPPED_FLAT' ? { error: message } : {}),
  };

  /**
   * One round: cancel ‖ flatten (independent: neither failure stops the other), then confirm.
   * The first round of a stop does not wait for a read: cancel-all and flatten-all read the venue
   * themselves (one round trip less to flat); later rounds act per market on the last confirm.
   */
  async function runRound(round: number): Promise<boolean> {
    if (round === 1 && !input.carried) st.snap = null;
    else if (st.snap === null) {
      try {
        st.snap = await call('readVenueState', summaries.read(round), [target]);
      } catch (e) {
        noteFailure(round, 'venue state unreadable; acting on all markets', e);
      }
    }
    const open = st.snap === null ? null : openPositions(st.snap);
    await Promise.all([cancelStep(round, st.snap), flattenStep(round, open)]);
    try {
      st.confirmIssuedAt = Date.now();
      const confirmed = await call('confirmFlat', summaries.confirm(round, open === null ? -1 : open.length), [target]);
      st.snap = { positions: confirmed.positions, openOrders: confirmed.openOrders };
      step(`round ${round}: ${summaries.confirmResult(st.snap)}`);
      return confirmed.flat && isFlat(st.snap);
    } catch (e) {
      noteFailure(round, 'confirm flat failed', e);
      st.snap = null; // the next round reads the venue first
      return false;
    }
  }

  async function cancelStep(round: number, s: VenueSnapshot | null): Promise<void> {
    if (s !== null && s.openOrders.length === 0) return;
    try {
      const r = await call('cancelAllOpenOrders', s === null ? 'cancel all open orders' : summaries.cancel(s.openOrders.length), [{ ...target, maxPerAction: o.maxCancelsPerAction }]);
      c.cancelled += r.cancelled;
      step(`round ${round}: cancelled ${r.cancelled} of ${r.requested} open orders in ${r.actions ?? 1} action(s)` + (r.alreadyGone ? `, ${r.alreadyGone} already gone` : '') + (r.failed.length ? `, ${r.failed.length} FAILED (${r.failed[0].error})` : ''));
    } catch (e) {
      noteFailure(round, 'CANCEL FAILED (the flatten goes on regardless)', e);
    }
  }

  async function flattenStep(round: number, open: PositionView[] | null): Promise<void> {
    if (open !== null && open.length === 0) return;
    const pricing = { widenBps: wideningBps(round, o), maxSlippageBps: o.maxSlippageBps, maxOrderNotionalUsd: o.maxOrderNotionalUsd, maxOrdersPerAction: o.maxOrdersPerAction };
    // One activity per market: each sizes from a fresh clearinghouseState and has its own summary.
    const calls = (open === null ? [null] : open).map(async (p) => {
      try {
        const r = await call('flattenPositions', (p ? summaries.flatten(p) : 'flatten all positions @ IOC') + ` (round ${round}, ≤ ${pricing.widenBps} bps)`, [{ ...target, ...(p ? { coins: [p.coin] } : {}), pricing }]);
        for (const pr of r.pricing ?? []) if (pr.capped) step(`round ${round}: ${pr.coin}: the book ${pr.bookPx === null ? 'is too thin for the size' : `needs ${pr.bookPx}`} — held at the ${o.maxSlippageBps} bps ceiling (${pr.px})`);
        for (const ord of r.orders) {
          if (ord.status !== 'skipped') c.ordersSent++;
          step(`round ${round}: ${ord.isBuy ? 'buy' : 'sell'} ${ord.sz} ${ord.coin} @ ${ord.px} IOC → ${ord.status}${ord.filledSz ? ` ${ord.filledSz}` : ''}${ord.error ? ` (${ord.error})` : ''}`);
        }
      } catch (e) {
        noteFailure(round, `FLATTEN FAILED${p ? ` for ${p.coin}` : ''}`, e);
      }
    });
    await Promise.all(calls);
  }

  function noteFailure(round: number, what: string, e: unknown): void {
    const text = failureText(e);
    step(`round ${round}: ${what}: ${text}`);
    if (isWrongAccount(e)) {
      c.stuckReported = true;
      progress('STOP_STUCK', `WRONG STOP WORKER on ${venueQueue}: ${text}`);
      if (alertDue(Date.now(), c.lastAlertAt, o)) alert('critical', 'STOP_STUCK', `${input.sessionId}: ${text}`);
    }
  }
}

/** The latch on the hot-path host, bounded; a host that does not answer is recorded as gone, not a failure. */
async function engageLatch(input: StopSequenceInput, o: ResolvedStopOptions, step: (s: string) => void): Promise<LatchOutcome> {
  const hotPath = proxyActivities<HotPathActivities>({
    taskQueue: input.hotPathTaskQueue,
    // Counts the wait for a poller too: no hot-path worker on the queue ⇒ timeout ⇒ host gone.
    // It includes the wait for the hot path's in-flight posts to be answered.
    scheduleToCloseTimeout: o.latchTimeoutMs,
    retry: { initialInterval: 50, backoffCoefficient: 2, maximumInterval: 200 },
  });
  let l: LatchOutcome;
  try {
    const r = await hotPath.engageHotPathLatch.executeWithOptions({ summary: summaries.latch(input.reason) }, [{ reason: input.reason, source: input.source, inFlightWaitMs: Math.max(0, o.latchTimeoutMs - 250) }]);
    const answered = r.inFlightAnswered === true;
    l = {
      latch: 'engaged',
      inFlightAnswered: answered,
      at: Date.now(),
      detail:
        `latch engaged on the hot path (${r.cancelsEnqueued} cancels, ${r.flattenOrders ?? 0} flatten orders sent from memory)` +
        (answered ? '; its in-flight posts are answered' : `; in-flight posts not confirmed answered: flat waits ${o.hotPathExpiresAfterMs} ms from the trigger`),
    };
  } catch (e) {
    l = { latch: 'host-gone', inFlightAnswered: false, at: Date.now(), detail: `hot-path host did not answer (${failureText(e)}); continued over HTTP, flat waits ${o.hotPathExpiresAfterMs} ms from the trigger` };
  }
  step(l.detail);
  return l;
}

function isScheduleToStartTimeout(e: unknown): boolean {
  return e instanceof ActivityFailure && e.cause instanceof TimeoutFailure && e.cause.timeoutType === 'SCHEDULE_TO_START';
}

function isWrongAccount(e: unknown): boolean {
  return e instanceof ActivityFailure && e.cause instanceof ApplicationFailure && e.cause.type === WRONG_ACCOUNT_ERROR;
}

function failureText(e: unknown): string {
  if (e instanceof ActivityFailure) return e.cause?.message ?? e.message;
  return e instanceof Error ? e.message : String(e);
}

function renderDetails(input: StopSequenceInput, steps: string[], phase: string | null): string {
  return [
    `### Stop ${input.n} of ${input.sessionId}`,
    `**Account:** ${actingAccount(input.account, input.vaultAddress)}` + (phase ? ` · **Phase:** ${phase}` : ''),
    `**Reason:** ${input.reason} (from ${input.source})`,
    '',
    '**Steps done**',
    ...steps.slice(-20).map((s) => `- ${s}`),
  ].join('\n');
}
