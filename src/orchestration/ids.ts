/**
 * Deterministic Temporal ids and task-queue names. Pure (no Node built-ins): the workflow bundle,
 * the CLI and the workers all derive the same names from the same inputs, so an operator can
 * signal a session knowing only its account and strategy.
 */

/** The session entity workflow's id: one per account and strategy. */
export function sessionWorkflowId(account: string, strategyName: string): string {
  if (!account) throw new Error('sessionWorkflowId: account is empty');
  if (!strategyName) throw new Error('sessionWorkflowId: strategyName is empty');
  return `hlx-session-${account.toLowerCase()}-${strategyName}`;
}

/** The n-th stop sequence of a session (n counts from 1); a retried start of the same stop collides, as it should. */
export function stopWorkflowId(sessionId: string, n: number): string {
  if (!Number.isInteger(n) || n < 1) throw new Error(`stopWorkflowId: n must be a positive integer, got ${n}`);
  return `${sessionId}-stop-${n}`;
}

/** The task queue of the activities that need the hot path's memory (latch, status). */
export function hotPathTaskQueue(hotPathPrefix: string, sessionId: string): string {
  return `${hotPathPrefix}-${sessionId}`;
}

/** Workflow type names, for clients that start workflows by name. */
export const SESSION_WORKFLOW_TYPE = 'tradingSession';
export const STOP_WORKFLOW_TYPE = 'stopSequence';
