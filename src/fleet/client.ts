/**
 * The fleet as Temporal sees it: list the sessions of a scope through visibility, read each
 * session's `state` query, and send a HardStop to a whole scope as ONE batch operation
 * (StartBatchOperation with a signal operation over the scope's visibility query: durable on the
 * server, visible under "Batch operations" in the Web UI, the same thing
 * `temporal workflow signal --query` does). Used by `hlx fleet status`, `hlx hardstop
 * --account/--all` and bench/fleet.bench.ts.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { hardStopSignal, stateQuery, type HardStopRequest, type SessionState } from '../../workflows/messages';
import { TradingAccountKey, TradingPhaseKey } from '../orchestration/search-attributes';
import { sessionsQuery, type FleetScope } from './queries';

export interface FleetSession {
  sessionId: string;
  runId: string;
  /** from the search attributes (what the query matched on) */
  account: string;
  phase: string;
  status: string;
  historyLength: number;
  historySize?: number;
  startTime: Date;
}

export async function listSessions(client: Client, scope: FleetScope = {}): Promise<FleetSession[]> {
  const out: FleetSession[] = [];
  for await (const w of client.workflow.list({ query: sessionsQuery(scope) })) {
    out.push({
      sessionId: w.workflowId,
      runId: w.runId,
      account: w.typedSearchAttributes.get(TradingAccountKey) ?? '?',
      phase: w.typedSearchAttributes.get(TradingPhaseKey) ?? '?',
      status: w.status.name,
      historyLength: w.historyLength,
      ...(w.historySize !== undefined ? { historySize: w.historySize } : {}),
      startTime: w.startTime,
    });
  }
  out.sort((a, b) => a.account.localeCompare(b.account) || a.sessionId.localeCompare(b.sessionId));
  return out;
}

/** Runs `fn` over `items`, at most `limit` at a time, results in order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  });
  await Promise.all(runners);
  return out;
}

/** Each session's `state` (null where the query failed: no worker yet, or the session closed). */
export async function readStates(client: Client, sessionIds: readonly string[], concurrency = 16): Promise<Map<string, SessionState | null>> {
  const states = await mapLimit(sessionIds, concurrency, async (id) => {
    try {
      return await client.workflow.getHandle(id).query(stateQuery);
    } catch {
      return null;
    }
  });
  return new Map(sessionIds.map((id, i) => [id, states[i]]));
}

export interface BatchHardStop {
  jobId: string;
  query: string;
}

/** One batch operation: the hardStop signal to every running session the scope's query matches. */
export async function batchHardStop(client: Client, scope: FleetScope, req: HardStopRequest, reason: string, jobId = `hlx-hardstop-${randomUUID()}`): Promise<BatchHardStop> {
  const query = sessionsQuery({ ...scope, includeClosed: false });
  await client.workflowService.startBatchOperation({
    namespace: client.options.namespace,
    jobId,
    visibilityQuery: query,
    reason,
    // a kill switch is not a bulk job: the namespace's default batch rate would drip the signals out
    maxOperationsPerSecond: 1_000,
    signalOperation: {
      signal: hardStopSignal.name,
      input: { payloads: [defaultPayloadConverter.toPayload(req)] },
      identity: client.options.identity ?? 'hlx',
    },
  });
  return { jobId, query };
}

export interface FleetHardStop {
  jobId: string;
  query: string;
  /** sessions signalled directly and acknowledged by the server */
  signalled: number;
  /** direct signals that failed (the batch operation still reaches those sessions) */
  failed: { sessionId: string; error: string }[];
  /** the batch operation could not be started (the direct signals went out regardless) */
  batchError?: string;
}

/**
 * The kill switch for an account or the whole namespace. Every listed session is signalled
 * directly and at once (in parallel, bounded). The same request also goes out as a batch operation
 * over the visibility query. The batch is durable on the server: it reaches every matching
 * session, including ones the list missed, even if this process dies half way. Both deliveries
 * carry one request id (`journalId`), so each session acts on the request once, and a session
 * resumed meanwhile is not stopped again by the later copy. Why not the batch alone: its first
 * signal arrives seconds after it is started (about 9 s on the dev server, see docs/fleet.md),
 * far too late for a kill switch.
 */
export async function fleetHardStop(client: Client, scope: FleetScope, sessionIds: readonly string[], req: HardStopRequest, reason: string, concurrency = 32): Promise<FleetHardStop> {
  const jobId = `hlx-hardstop-${randomUUID()}`;
  const once: HardStopRequest = { ...req, journalId: jobId };
  const direct = mapLimit(sessionIds, concurrency, (id) =>
    client.workflow
      .getHandle(id)
      .signal(hardStopSignal, once)
      .then(
        () => null,
        (e: unknown) => ({ sessionId: id, error: e instanceof Error ? e.message : String(e) }),
      ),
  );
  const batch = batchHardStop(client, scope, once, reason, jobId).then(
    (b) => ({ query: b.query }),
    (e: unknown) => ({ query: sessionsQuery({ ...scope, includeClosed: false }), error: e instanceof Error ? e.message : String(e) }),
  );
  const [results, b] = await Promise.all([direct, batch]);
  const failed = results.filter((r): r is { sessionId: string; error: string } => r !== null);
  return { jobId, query: b.query, signalled: results.length - failed.length, failed, ...('error' in b ? { batchError: b.error } : {}) };
}

export interface BatchProgress {
  state: string;
  total: number;
  done: number;
  failed: number;
}

export async function describeBatch(client: Client, jobId: string): Promise<BatchProgress> {
  const r = await client.workflowService.describeBatchOperation({ namespace: client.options.namespace, jobId });
  const n = (x: unknown) => Number(x ?? 0);
  const states: Record<number, string> = { 0: 'UNSPECIFIED', 1: 'RUNNING', 2: 'COMPLETED', 3: 'FAILED' };
  return { state: states[Number(r.state ?? 0)] ?? String(r.state), total: n(r.totalOperationCount), done: n(r.completeOperationCount), failed: n(r.failureOperationCount) };
}
