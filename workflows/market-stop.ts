/**
 * marketStopSequence: a market-scoped stop of one session, a child workflow with id
 * `<sessionId>-market-<coin>-<n>`. The hot path puts that market in reduce-only (bounded; a gone
 * host is not a failure) → cancel the market's open orders → flatten its position with a
 * reduce-only IOC → confirm from the venue that the market holds neither → repeat with backoff →
 * alert. The session's other markets keep trading throughout. Decisions: src/orchestration/
 * market-stop.ts and stop-plan.ts; this file only sequences activities.
 */
import { ActivityFailure, proxyActivities, setCurrentDetails, sleep, workflowInfo } from '@temporalio/workflow';
import type { HotPathMarketActivities, MarketStopInput, MarketStopResult } from './messages';
import type { StopActivities } from '../src/orchestration/stop-activities';
import { afterConfirm, resolveStopOptions, stopActivityQueue, summaries, type VenueSnapshot } from '../src/orchestration/stop-plan';
import { marketView } from '../src/orchestration/market-stop';

export async function marketStopSequence(input: MarketStopInput): Promise<MarketStopResult> {
  const o = resolveStopOptions(input.options);
  const coin = input.coin;
  const steps: string[] = [];
  const step = (s: string) => {
    steps.push(s);
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

  step(`market stop ${input.n}: ${coin} reduce-only (${input.reason} from ${input.source})`);
  // beside the venue steps, as in the session stop: a dead host must not delay the flatten
  const latchP = hotPath.haltHotPathMarket
    .executeWithOptions({ summary: `${coin} reduce-only on the hot path` }, [{ coin, reason: input.reason, source: input.source }])
    .then(
      (r) => ({ latch: 'engaged' as const, detail: `${coin} reduce-only on the hot path (${r.purged} queued purged, ${r.cancelsEnqueued} cancels enqueued there)` }),
      (e: unknown) => ({ latch: 'host-gone' as const, detail: `hot-path host did not answer (${failureText(e)}); continued over HTTP` }),
    )
    .then((l) => {
      step(l.detail);
      return l;
    });

  let snap: VenueSnapshot | null = null;
  try {
    snap = marketView(await venue.readVenueState.executeWithOptions({ summary: `read venue state (${coin})` }, [target]), coin);
    step(`venue ${coin}: ${snap.positions.length ? snap.positions[0].szi : 'no position'}, ${snap.openOrders.length} open order(s)`);
  } catch (e) {
    step(`venue state unreadable (${failureText(e)}); cancelling and flattening ${coin} blind`);
  }
  let cancelled = 0;
  let ordersSent = 0;
  let attempt = 0;
  let flat = false;
  let flatConfirmedAt: number | undefined;
  for (;;) {
    attempt++;
    try {
      if (snap === null || snap.openOrders.length > 0) {
        const c = await venue.cancelAllOpenOrders.executeWithOptions({ summary: `cancel ${coin} open orders` }, [{ ...target, coins: [coin] }]);
        cancelled += c.cancelled;
        step(`round ${attempt}: cancelled ${c.cancelled} of ${c.requested} ${coin} open orders` + (c.failed.length ? `, ${c.failed.length} FAILED` : ''));
      }
      if (snap === null || snap.positions.length > 0) {
        const r = await venue.flattenPositions.executeWithOptions(
          { summary: snap?.positions[0] ? summaries.flatten(snap.positions[0]) : `flatten ${coin} @ IOC` },
          [{ ...target, coins: [coin], aggressionBps: o.aggressionBps }],
        );
        for (const ord of r.orders) {
          if (ord.status !== 'skipped') ordersSent++;
          step(`round ${attempt}: ${ord.isBuy ? 'buy' : 'sell'} ${ord.sz} ${ord.coin} @ ${ord.px} IOC → ${ord.status}${ord.error ? ` (${ord.error})` : ''}`);
        }
      }
      const confirmed = await venue.confirmFlat.executeWithOptions({ summary: `confirm ${coin} flat (round ${attempt})` }, [target]);
      snap = marketView(confirmed, coin);
      flat = snap.positions.length === 0 && snap.openOrders.length === 0;
      step(`round ${attempt}: ${coin} ` + (flat ? 'flat: no position, no open order' : `${snap.positions[0]?.szi ?? 'no position'}, ${snap.openOrders.length} open order(s)`));
    } catch (e) {
      flat = false;
      step(`round ${attempt} failed: ${failureText(e)}`);
    }
    const next = afterConfirm(flat, attempt, o);
    if (next.kind === 'done') {
      flatConfirmedAt = Date.now();
      break;
    }
    await sleep(next.waitMs, { summary: `${coin} not flat yet — retry in ${next.waitMs} ms` });
  }
  // like the session's stop, a market stop goes on until the venue shows that market flat (stop #10)
  const outcome: MarketStopResult['outcome'] = flat ? 'STOPPED_FLAT' : 'STOP_FAILED';
  const latch = (await latchP).latch;
  const remaining = snap?.positions ?? [];
  const openOrdersLeft = snap ? snap.openOrders.length : -1;
  const message =
    outcome === 'STOPPED_FLAT'
      ? `${input.sessionId}: ${coin} flat and reduce-only after ${attempt} round(s) (${input.reason} from ${input.source})`
      : `${input.sessionId}: ${coin} STOP FAILED after ${attempt} round(s): ${remaining.map((p) => p.szi).join(', ') || 'no position'}, ${openOrdersLeft} open order(s)`;
  try {
    await venue.alert.executeWithOptions({ summary: `alert: ${coin} ${outcome}` }, [
      { level: outcome === 'STOPPED_FLAT' ? 'info' : 'critical', sessionId: input.sessionId, stopWorkflowId: workflowInfo().workflowId, outcome, message, remaining, openOrdersLeft },
    ]);
    step(`alerted: ${coin} ${outcome}`);
  } catch (e) {
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
