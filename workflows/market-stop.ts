/**
 * marketStopSequence: a market-scoped stop of one session, a child workflow with id
 * `<sessionId>-market-<coin>-<n>`. The hot path puts that market in reduce-only (bounded; a gone
 * host is not a failure) → cancel the market's open orders → flatten its position with a
 * reduce-only IOC → confirm from the venue that the market holds neither → repeat with backoff →
 * alert. The session's other markets keep trading throughout.
 *
 * Like the session's stop (#10) it never gives up while the market holds exposure: past the fast
 * rounds it alerts that it is stuck (again at most every alertMinIntervalMs), it continues as new
 * every roundsPerRun rounds so its history stays small however long it takes, and it declares the
 * market flat only when nothing the hot path signed before the halt can still land
 * (flatDeclarable). Decisions: src/orchestration/market-stop.ts and stop-plan.ts; this file only
 * sequences activities.
 */
import { ActivityFailure, condition, continueAsNew, proxyActivities, setCurrentDetails, sleep, workflowInfo } from '@temporalio/workflow';
import type { HotPathMarketActivities, MarketHaltAnswer, MarketStopCarried, MarketStopInput, MarketStopResult } from './messages';
import type { StopActivities } from '../src/orchestration/stop-activities';
import { afterConfirm, alertDue, flatDeclarable, resolveStopOptions, stopActivityQueue, summaries, type VenueSnapshot } from '../src/orchestration/stop-plan';
import { marketView } from '../src/orchestration/market-stop';

export async function marketStopSequence(input: MarketStopInput): Promise<MarketStopResult> {
  const o = resolveStopOptions(input.options);
  const coin = input.coin;
  const carried = input.carried;
  const c: Omit<MarketStopCarried, 'latch'> = carried ?? { attempt: 0, cancelled: 0, ordersSent: 0, runs: 0, triggeredAt: Date.now(), stuckReported: false, lastAlertAt: 0, steps: [] };
  const steps = c.steps;
  const step = (s: string) => {
    steps.push(s);
    if (steps.length > 200) steps.splice(0, steps.length - 200);
    setCurrentDetails([`### Market stop ${input.n} of ${input.sessionId}: ${coin}`, `**Reason:** ${input.reason} (from ${input.source})`, '', ...steps.slice(-20).map((x) => `- ${x}`)].join('\n'));
  };
  // the session's account only: its venue work runs on the account's own stop queue (stop #10)
  const target = { account: input.account, ...(input.vaultAddress ? { vaultAddress: input.vaultAddress } : {}) };
  const venue = proxyActivities<StopActivities>({
    taskQueue: stopActivityQueue(o.stopTaskQueue ?? workflowInfo().taskQueue, input.account, input.vaultAddress),
    startToCloseTimeout: o.activityTimeoutMs,
    retry: { initialInterval: 100, backoffCoefficient: 2, maximumInterval: 1_000, maximumAttempts: 8 },
  });
  const hotPath = proxyActivities<HotPathMarketActivities>({
    taskQueue: input.hotPathTaskQueue,
    scheduleToCloseTimeout: o.latchTimeoutMs,
    retry: { initialInterval: 50, backoffCoefficient: 2, maximumInterval: 200 },
  });
  const alert = async (level: 'info' | 'critical', outcome: 'STOPPED_FLAT' | 'STOP_STUCK', message: string, snap: VenueSnapshot | null): Promise<void> => {
    c.lastAlertAt = Date.now();
    try {
      await venue.alert.executeWithOptions({ summary: `alert: ${coin} ${outcome}` }, [
        { level, sessionId: input.sessionId, stopWorkflowId: workflowInfo().workflowId, outcome, message, remaining: snap?.positions ?? [], openOrdersLeft: snap ? snap.openOrders.length : -1 },
      ]);
      step(`alerted: ${coin} ${outcome}`);
    } catch (e) {
      step(`alert FAILED: ${failureText(e)}`);
    }
  };

  let latch: MarketHaltAnswer | null = carried?.latch ?? null;
  let latchP: Promise<MarketHaltAnswer>;
  if (latch) {
    latchP = Promise.resolve(latch);
    step(`run ${c.runs + 1} of market stop ${input.n}: round ${c.attempt} done so far`);
  } else {
    step(`market stop ${input.n}: ${coin} reduce-only (${input.reason} from ${input.source})`);
    // beside the venue steps, as in the session stop: a dead host must not delay the flatten
    latchP = hotPath.haltHotPathMarket
      .executeWithOptions({ summary: `${coin} reduce-only on the hot path` }, [{ coin, reason: input.reason, source: input.source, inFlightWaitMs: Math.max(0, o.latchTimeoutMs - 250) }])
      .then(
        (r) => {
          step(`${coin} reduce-only on the hot path (${r.purged} queued purged, ${r.cancelsEnqueued} cancels enqueued there${r.inFlightAnswered ? ', in-flight posts answered' : ''})`);
          return { latch: 'engaged' as const, inFlightAnswered: r.inFlightAnswered === true, at: Date.now() };
        },
        (e: unknown) => {
          step(`hot-path host did not answer (${failureText(e)}); continued over HTTP`);
          return { latch: 'host-gone' as const, inFlightAnswered: false, at: Date.now() };
        },
      )
      .then((l) => (latch = l));
  }

  let snap: VenueSnapshot | null = null;
  try {
    snap = marketView(await venue.readVenueState.executeWithOptions({ summary: `read venue state (${coin})` }, [target]), coin);
    step(`venue ${coin}: ${snap.positions.length ? snap.positions[0].szi : 'no position'}, ${snap.openOrders.length} open order(s)`);
  } catch (e) {
    step(`venue state unreadable (${failureText(e)}); cancelling and flattening ${coin} blind`);
  }
  const runStart = c.attempt;
  let flatConfirmedAt: number | undefined;
  for (;;) {
    c.attempt++;
    let flat = false;
    let readAt = 0;
    try {
      if (snap === null || snap.openOrders.length > 0) {
        const r = await venue.cancelAllOpenOrders.executeWithOptions({ summary: `cancel ${coin} open orders` }, [{ ...target, coins: [coin] }]);
        c.cancelled += r.cancelled;
        step(`round ${c.attempt}: cancelled ${r.cancelled} of ${r.requested} ${coin} open orders` + (r.failed.length ? `, ${r.failed.length} FAILED` : ''));
      }
      if (snap === null || snap.positions.length > 0) {
        const r = await venue.flattenPositions.executeWithOptions(
          { summary: snap?.positions[0] ? summaries.flatten(snap.positions[0]) : `flatten ${coin} @ IOC` },
          [{ ...target, coins: [coin], aggressionBps: o.aggressionBps }],
        );
        for (const ord of r.orders) {
          if (ord.status !== 'skipped') c.ordersSent++;
          step(`round ${c.attempt}: ${ord.isBuy ? 'buy' : 'sell'} ${ord.sz} ${ord.coin} @ ${ord.px} IOC → ${ord.status}${ord.error ? ` (${ord.error})` : ''}`);
        }
      }
      readAt = Date.now();
      snap = marketView(await venue.confirmFlat.executeWithOptions({ summary: `confirm ${coin} flat (round ${c.attempt})` }, [target]), coin);
      flat = snap.positions.length === 0 && snap.openOrders.length === 0;
      step(`round ${c.attempt}: ${coin} ` + (flat ? 'flat: no position, no open order' : `${snap.positions[0]?.szi ?? 'no position'}, ${snap.openOrders.length} open order(s)`));
    } catch (e) {
      snap = null;
      step(`round ${c.attempt} failed: ${failureText(e)}`);
    }
    if (flat) {
      const d = flatDeclarable(latch, readAt, c.triggeredAt, o);
      if (d.declarable) {
        flatConfirmedAt = Date.now();
        break;
      }
      // an order the hot path signed before the halt may still land: wait, then look again
      step(`round ${c.attempt}: the venue shows ${coin} flat, but the hot path has not said its in-flight posts are answered — confirming again${d.waitMs > 0 ? ` in ≤ ${d.waitMs} ms` : ''}`);
      if (d.waitMs > 0) await condition(() => latch !== null && latch.inFlightAnswered, d.waitMs);
    } else {
      const next = afterConfirm(false, c.attempt, o);
      if (next.kind === 'retry' && next.stuck && (!c.stuckReported || alertDue(Date.now(), c.lastAlertAt, o))) {
        c.stuckReported = true;
        await alert('critical', 'STOP_STUCK', `${input.sessionId}: ${coin} still not flat after ${c.attempt} round(s): ${snap?.positions.map((p) => p.szi).join(', ') || 'position unknown'}, ${snap ? snap.openOrders.length : '?'} open order(s); retrying every ${o.slowRoundMs} ms`, snap);
      }
      if (next.kind === 'retry') await sleep(next.waitMs, { summary: `${coin} not flat yet — retry in ${next.waitMs} ms` });
    }
    if (c.attempt - runStart >= o.roundsPerRun || workflowInfo().continueAsNewSuggested) {
      const l = await latchP;
      return continueAsNew<typeof marketStopSequence>({ ...input, carried: { ...c, runs: c.runs + 1, latch: l, steps: steps.slice(-20) } });
    }
  }
  const l = await latchP;
  await alert('info', 'STOPPED_FLAT', `${input.sessionId}: ${coin} flat and reduce-only after ${c.attempt} round(s) (${input.reason} from ${input.source})`, snap);
  return {
    outcome: 'STOPPED_FLAT',
    attempts: c.attempt,
    latch: l.latch,
    cancelled: c.cancelled,
    ordersSent: c.ordersSent,
    remaining: [],
    openOrdersLeft: 0,
    steps,
    ...(flatConfirmedAt !== undefined ? { flatConfirmedAt } : {}),
  };
}

function failureText(e: unknown): string {
  if (e instanceof ActivityFailure) return e.cause?.message ?? e.message;
  return e instanceof Error ? e.message : String(e);
}
