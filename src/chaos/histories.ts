/**
 * The workflows' side of a schedule: every workflow in the schedule's namespace, its history
 * reduced to the facts the invariants need (phase changes from the TradingPhase upserts, the
 * hardStop signals, the identities of the workers that ran the stop activities), the sessions'
 * final state (stops, resumes), and every payload decoded to text for the key-leak check.
 */
import type { Client } from '@temporalio/client';
import { stateQuery, type SessionState } from '../../workflows/messages';
import type { SessionRecord, StopRun } from './records';

type Ts = { seconds?: unknown; nanos?: number | null } | null | undefined;

export function tsMs(t: Ts): number {
  if (!t) return 0;
  const s = typeof t.seconds === 'object' && t.seconds !== null ? Number((t.seconds as { toString(): string }).toString()) : Number(t.seconds ?? 0);
  return s * 1000 + Math.floor((t.nanos ?? 0) / 1e6);
}

const dec = new TextDecoder();
function payloadJson(p: { data?: Uint8Array | null } | null | undefined): unknown {
  if (!p?.data) return undefined;
  try {
    return JSON.parse(dec.decode(p.data));
  } catch {
    return dec.decode(p.data);
  }
}

/** Every string and byte array in an object, as text (bytes decoded as UTF-8). */
export function allText(x: unknown, out: string[] = [], depth = 0): string[] {
  if (depth > 40 || x === null || x === undefined) return out;
  if (typeof x === 'string') out.push(x);
  else if (x instanceof Uint8Array) out.push(dec.decode(x));
  else if (Array.isArray(x)) for (const v of x) allText(v, out, depth + 1);
  else if (typeof x === 'object') for (const v of Object.values(x as Record<string, unknown>)) allText(v, out, depth + 1);
  return out;
}

export interface CollectedHistories {
  sessions: SessionRecord[];
  texts: { source: string; text: string }[];
}

export interface HistoryEvent {
  eventTime?: Ts;
  upsertWorkflowSearchAttributesEventAttributes?: { searchAttributes?: { indexedFields?: Record<string, { data?: Uint8Array | null }> | null } | null } | null;
  workflowExecutionSignaledEventAttributes?: { signalName?: string | null; input?: { payloads?: { data?: Uint8Array | null }[] | null } | null } | null;
  activityTaskStartedEventAttributes?: { identity?: string | null } | null;
}

/** Phase changes, from the TradingPhase search-attribute upserts (their event time). */
export function phasesOf(events: readonly HistoryEvent[]): { at: number; phase: string }[] {
  return events.flatMap((e) => {
    const f = e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.TradingPhase;
    const v = f ? payloadJson(f) : undefined;
    const phase = Array.isArray(v) ? v[0] : v;
    return typeof phase === 'string' ? [{ at: tsMs(e.eventTime), phase }] : [];
  });
}

/** hardStop signals as received: time, reason, source. */
export function hardStopsOf(events: readonly HistoryEvent[]): { at: number; reason: string; source: string }[] {
  return events.flatMap((e) => {
    const a = e.workflowExecutionSignaledEventAttributes;
    if (a?.signalName !== 'hardStop') return [];
    const req = payloadJson(a.input?.payloads?.[0]) as { reason?: string; source?: string } | undefined;
    return [{ at: tsMs(e.eventTime), reason: String(req?.reason ?? ''), source: String(req?.source ?? '') }];
  });
}

/** The identities of the workers that started the activities. */
export function activityIdentitiesOf(events: readonly HistoryEvent[]): string[] {
  return events.flatMap((e) => (e.activityTaskStartedEventAttributes?.identity ? [e.activityTaskStartedEventAttributes.identity] : []));
}

export async function collectHistories(client: Client, sessions: { sessionId: string; account: string }[]): Promise<CollectedHistories> {
  const texts: { source: string; text: string }[] = [];
  const byWorkflow = new Map<string, HistoryEvent[]>();
  for await (const wf of client.workflow.list()) {
    const h = await client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
    const events = (h.events ?? []) as HistoryEvent[];
    byWorkflow.set(wf.workflowId, [...(byWorkflow.get(wf.workflowId) ?? []), ...events]);
    texts.push({ source: `history ${wf.workflowId}/${wf.runId}`, text: allText(h).join('\n') });
  }
  const out: SessionRecord[] = [];
  for (const s of sessions) {
    const events = byWorkflow.get(s.sessionId) ?? [];
    const phases = phasesOf(events);
    const hardStops = hardStopsOf(events);
    let state: SessionState | null = null;
    try {
      state = await client.workflow.getHandle(s.sessionId).query(stateQuery);
      texts.push({ source: `state ${s.sessionId}`, text: JSON.stringify(state) });
    } catch {
      /* no session workflow: the record says so (no phases) */
    }
    const stops: StopRun[] = (state?.stops ?? []).map((x) => ({
      workflowId: x.workflowId,
      sessionId: s.sessionId,
      startedAt: x.startedAt,
      ...(x.endedAt !== undefined ? { endedAt: x.endedAt } : {}),
      ...(x.outcome ? { outcome: x.outcome } : {}),
      ...(x.flatConfirmedAt !== undefined ? { flatConfirmedAt: x.flatConfirmedAt } : {}),
      ...(x.remaining ? { remaining: x.remaining } : {}),
      activityIdentities: activityIdentitiesOf(byWorkflow.get(x.workflowId) ?? []),
    }));
    out.push({
      sessionId: s.sessionId,
      account: s.account,
      phases,
      hardStops,
      resumes: (state?.resumes ?? []).map((r) => ({ at: r.at })),
      stops,
      latches: [],
      finalPhase: state?.phase ?? null,
    });
  }
  return { sessions: out, texts };
}
