/**
 * The timeline of a stop, as the demo prints it: the hot path's own moments (latch, first cancel
 * on the wire) and the stop-sequence workflow's history (each activity with the summary the UI
 * shows, when it was scheduled and when it finished), all relative to the trigger.
 *
 * `historySteps` reads a Temporal history; `renderTimeline` is pure and unit-tested.
 */
import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';

export interface TimelineStep {
  /** ms since epoch */
  at: number;
  what: string;
  /** ms the step took, when it has an end */
  tookMs?: number;
}

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

function ms(t: HistoryEvent['eventTime']): number {
  if (!t) return 0;
  return Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6);
}

function summaryOf(ev: HistoryEvent): string | undefined {
  const p = ev.userMetadata?.summary;
  if (!p) return undefined;
  try {
    const v = defaultPayloadConverter.fromPayload<unknown>(p);
    return typeof v === 'string' ? v : JSON.stringify(v);
  } catch {
    return undefined;
  }
}

/**
 * The steps of one workflow history: start, each activity (its summary, else its type) from
 * scheduled to completed/failed/timed out, signals, and the close.
 */
export function historySteps(events: HistoryEvent[], label: string): TimelineStep[] {
  const steps: TimelineStep[] = [];
  const scheduled = new Map<string, { at: number; what: string }>();
  for (const ev of events) {
    const at = ms(ev.eventTime);
    const id = String(ev.eventId ?? '');
    if (ev.workflowExecutionStartedEventAttributes) {
      steps.push({ at, what: `${label} started` });
    } else if (ev.workflowExecutionSignaledEventAttributes) {
      steps.push({ at, what: `${label} received signal ${ev.workflowExecutionSignaledEventAttributes.signalName ?? '?'}` });
    } else if (ev.activityTaskScheduledEventAttributes) {
      const a = ev.activityTaskScheduledEventAttributes;
      scheduled.set(id, { at, what: summaryOf(ev) ?? a.activityType?.name ?? 'activity' });
    } else if (ev.activityTaskCompletedEventAttributes || ev.activityTaskFailedEventAttributes || ev.activityTaskTimedOutEventAttributes) {
      const attrs = ev.activityTaskCompletedEventAttributes ?? ev.activityTaskFailedEventAttributes ?? ev.activityTaskTimedOutEventAttributes;
      const s = scheduled.get(String(attrs?.scheduledEventId ?? ''));
      if (s) {
        const outcome = ev.activityTaskCompletedEventAttributes ? '' : ev.activityTaskFailedEventAttributes ? ' (failed, retried or handled)' : ' (timed out)';
        steps.push({ at: s.at, what: s.what + outcome, tookMs: at - s.at });
      }
    } else if (ev.timerStartedEventAttributes) {
      const t = ev.timerStartedEventAttributes.startToFireTimeout;
      const d = t ? Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : 0;
      steps.push({ at, what: `backoff ${d} ms` });
    } else if (ev.workflowExecutionCompletedEventAttributes) {
      steps.push({ at, what: `${label} completed` });
    } else if (ev.workflowExecutionFailedEventAttributes) {
      steps.push({ at, what: `${label} FAILED` });
    }
  }
  return steps;
}

/** Lines like `  +12.3 ms  cancel 3 open orders (4 ms)`, relative to `t0`, sorted by time. */
export function renderTimeline(t0: number, steps: TimelineStep[]): string[] {
  const sorted = [...steps].sort((a, b) => a.at - b.at);
  const width = Math.max(...sorted.map((s) => relative(s.at - t0).length), 1);
  return sorted.map((s) => {
    const took = s.tookMs !== undefined ? ` (${s.tookMs} ms)` : '';
    return `  ${relative(s.at - t0).padStart(width)}  ${s.what}${took}`;
  });
}

function relative(d: number): string {
  const sign = d < 0 ? '−' : '+';
  const a = Math.abs(d);
  return a >= 1000 ? `${sign}${(a / 1000).toFixed(2)} s` : `${sign}${a.toFixed(a < 10 ? 1 : 0)} ms`;
}
