/**
 * stopSequence: one durable stop of a session, a child workflow with id `<sessionId>-stop-<n>`.
 * latch the hot path (bounded; a gone host is not a failure) → cancel all open orders →
 * flatten with reduce-only IOC → confirm flat from the venue → repeat with backoff → alert.
 * Decisions live in src/orchestration/stop-plan.ts; this file only sequences activities.
 * A venue activity that still fails after its retries costs one round, never the whole stop:
 * the stop keeps trying until its rounds run out and then ends STOP_FAILED, loudly.
 */
import { ActivityFailure, log, proxyActivities, setCurrentDetails, sleep, workflowInfo } from '@temporalio/workflow';
import type { HotPathActivities, PositionView, StopSequenceInput, StopSequenceResult } from './messages';
import type { StopActivities } from '../src/orchestration/stop-activities';
import { afterConfirm, isFlat, openPositions, resolveStopOptions, summaries, type VenueSnapshot } from '../src/orchestration/stop-plan';

export async function stopSequence(input: StopSequenceInput): Promise<StopSequenceResult> {
  const o = resolveStopOptions(input.options);
  const steps: string[] = [];
  const step = (s: string) => {
    steps.push(s);
    setCurrentDetails(renderDetails(input, steps));
  };

  const venue = proxyActivities<StopActivities>({
    taskQueue: o.stopTaskQueue ?? workflowInfo().taskQueue,
    startToCloseTimeout: o.activityTimeoutMs,
    // Quick retries: a stop that gives up on a transient HTTP error is worse than one more try.
    retry: { initialInterval: 100, backoffCoefficient: 2, maximumInterval: 1_000, maximumAttempts: 8 },
  });
  const hotPath = proxyActivities<HotPathActivities>({
    taskQueue: input.hotPathTaskQueue,
    // Counts the wait for a poller too: no hot-path worker on the queue ⇒ timeout ⇒ host gone.
    scheduleToCloseTimeout: o.latchTimeoutMs,
    retry: { initialInterval: 50, backoffCoefficient: 2, maximumInterval: 200 },
  });

  step(`stop ${input.n}: ${input.reason} from ${input.source}`);

  // The latch runs beside the venue steps instead of ahead of them: a live host answers within
  // milliseconds, and a dead one must not delay the flatten by the whole timeout. Orders a live,
  // not-yet-latched hot path might still place are caught by confirm-flat (it requires no open
  // order and no position), which sends the sequence round again.
  const latchP = hotPath.engageHotPathLatch
    .executeWithOptions({ summary: summaries.latch(input.reason) }, [{ reason: input.reason, source: input.source }])
    .then(
      (r) => ({ latch: 'engaged' as const, detail: `latch engaged on the hot path (${r.cancelsEnqueued} cancels enqueued there)` }),
      (e: unknown) => ({ latch: 'host-gone' as const, detail: `hot-path host did not answer (${failureText(e)}); continued over HTTP` }),
    )
    .then((l) => {
      step(l.detail);
      return l;
    });

  // null = not known (the read failed): every later step then acts on all markets.
  let snap: VenueSnapshot | null = null;
  try {
    snap = await venue.readVenueState.executeWithOptions({ summary: summaries.read(0) }, []);
    step(`venue: ${openPositions(snap).length} position(s), ${snap.openOrders.length} open order(s)`);
  } catch (e) {
    step(`venue state unreadable (${failureText(e)}); acting on all markets`);
  }

  let cancelled = 0;
  let ordersSent = 0;
  let attempt = 0;
  let flatConfirmedAt: number | undefined;
  let flat = false;
  let outcome: StopSequenceResult['outcome'] = 'STOP_FAILED';
  for (;;) {
    attempt++;
    try {
      if (snap === null || snap.openOrders.length > 0) {
        const c = await venue.cancelAllOpenOrders.executeWithOptions(
          { summary: snap === null ? 'cancel all open orders' : summaries.cancel(snap.openOrders.length) },
          [],
        );
        cancelled += c.cancelled;
        step(`round ${attempt}: cancelled ${c.cancelled} of ${c.requested} open orders` + (c.alreadyGone ? `, ${c.alreadyGone} already gone` : '') + (c.failed.length ? `, ${c.failed.length} FAILED` : ''));
      } else if (attempt === 1) {
        step('no open orders to cancel');
      }
      const open = snap === null ? null : openPositions(snap);
      if (open === null || open.length > 0) {
        // One activity per market: each sizes from a fresh clearinghouseState and has its own summary.
        const calls =
          open === null
            ? [venue.flattenPositions.executeWithOptions({ summary: 'flatten all positions @ IOC' }, [{ aggressionBps: o.aggressionBps }])]
            : open.map((p) => venue.flattenPositions.executeWithOptions({ summary: summaries.flatten(p) }, [{ coins: [p.coin], aggressionBps: o.aggressionBps }]));
        for (const r of await Promise.all(calls)) {
          for (const ord of r.orders) {
            if (ord.status !== 'skipped') ordersSent++;
            step(`round ${attempt}: ${ord.isBuy ? 'buy' : 'sell'} ${ord.sz} ${ord.coin} @ ${ord.px} IOC → ${ord.status}${ord.filledSz ? ` ${ord.filledSz}` : ''}${ord.error ? ` (${ord.error})` : ''}`);
          }
        }
      }
      const confirmed = await venue.confirmFlat.executeWithOptions(
        { summary: summaries.confirm(attempt, open === null ? -1 : open.length) },
        [],
      );
      snap = { positions: confirmed.positions, openOrders: confirmed.openOrders };
      flat = confirmed.flat && isFlat(snap);
      step(`round ${attempt}: ${summaries.confirmResult(snap)}`);
    } catch (e) {
      flat = false;
      step(`round ${attempt} failed: ${failureText(e)}`);
    }
    const next = afterConfirm(flat, attempt, o);
    if (next.kind === 'done') {
      outcome = 'STOPPED_FLAT';
      flatConfirmedAt = Date.now();
      break;
    }
    if (next.kind === 'give-up') break;
    await sleep(next.waitMs, { summary: snap ? summaries.backoff(snap, next.waitMs) : `retry in ${next.waitMs} ms` });
  }
  const latch = (await latchP).latch;

  const remaining: PositionView[] = snap ? openPositions(snap) : [];
  const openOrdersLeft = snap ? snap.openOrders.length : -1;
  const message =
    outcome === 'STOPPED_FLAT'
      ? `${input.sessionId}: flat after ${attempt} round(s) (${input.reason} from ${input.source})`
      : `${input.sessionId}: STOP FAILED after ${attempt} round(s): ` +
        (snap ? `${remaining.map((p) => `${p.coin} ${p.szi}`).join(', ') || 'no position'}, ${openOrdersLeft} open order(s) left` : 'venue state unknown');
  if (outcome === 'STOP_FAILED') log.error('stop sequence failed', { sessionId: input.sessionId, remaining, openOrdersLeft });
  try {
    await venue.alert.executeWithOptions({ summary: summaries.alert(outcome, attempt, remaining.length) }, [
      {
        level: outcome === 'STOPPED_FLAT' ? 'info' : 'critical',
        sessionId: input.sessionId,
        stopWorkflowId: workflowInfo().workflowId,
        outcome,
        message,
        remaining,
        openOrdersLeft,
      },
    ]);
    step(outcome === 'STOPPED_FLAT' ? 'alerted: STOPPED_FLAT' : 'ALERTED: STOP_FAILED');
  } catch (e) {
    // The outcome stands; the failed alert is itself recorded loudly.
    log.error('alert failed', { sessionId: input.sessionId, error: failureText(e) });
    step(`alert FAILED: ${failureText(e)}`);
  }
  return {
    outcome,
    attempts: attempt,
    latch,
    cancelled,
    ordersSent,
    remaining,
    openOrdersLeft,
    steps,
    ...(flatConfirmedAt !== undefined ? { flatConfirmedAt } : {}),
    ...(outcome === 'STOP_FAILED' ? { error: message } : {}),
  };
}

function failureText(e: unknown): string {
  if (e instanceof ActivityFailure) return e.cause?.message ?? e.message;
  return e instanceof Error ? e.message : String(e);
}

function renderDetails(input: StopSequenceInput, steps: string[]): string {
  return [
    `### Stop ${input.n} of ${input.sessionId}`,
    `**Reason:** ${input.reason} (from ${input.source})`,
    '',
    '**Steps done**',
    ...steps.slice(-20).map((s) => `- ${s}`),
  ].join('\n');
}
