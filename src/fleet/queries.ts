/**
 * Visibility queries that find the fleet through the session workflow's search attributes
 * (TradingAccount, TradingPhase; src/orchestration/search-attributes.ts). The same strings work
 * in `temporal workflow list --query …`, `temporal workflow signal --query …` and the Web UI's
 * filter box, so an operator without hlx reaches the same scopes.
 */
import { SESSION_WORKFLOW_TYPE } from '../orchestration/ids';

const ADDRESS = /^0x[0-9a-f]{40}$/;
const PHASE = /^[A-Z_]{1,32}$/;

export interface FleetScope {
  /** one account's sessions (lower-case 0x address, as TradingAccount holds it) */
  account?: string;
  /** only these phases */
  phases?: readonly string[];
  /** closed (terminated, failed) sessions too; default: running only */
  includeClosed?: boolean;
}

export class FleetScopeError extends Error {
  override name = 'FleetScopeError';
}

export function normalizeAccount(a: string): string {
  const x = a.trim().toLowerCase();
  if (!ADDRESS.test(x)) throw new FleetScopeError(`account: ${JSON.stringify(a)} is not a 0x address (40 hex digits)`);
  return x;
}

/** `WorkflowType = 'tradingSession' AND ExecutionStatus = 'Running' [AND TradingAccount = '0x…'] [AND TradingPhase IN (…)]` */
export function sessionsQuery(scope: FleetScope = {}): string {
  const parts = [`WorkflowType = '${SESSION_WORKFLOW_TYPE}'`];
  if (!scope.includeClosed) parts.push(`ExecutionStatus = 'Running'`);
  if (scope.account !== undefined) parts.push(`TradingAccount = '${normalizeAccount(scope.account)}'`);
  if (scope.phases && scope.phases.length) {
    for (const p of scope.phases) if (!PHASE.test(p)) throw new FleetScopeError(`phase: ${JSON.stringify(p)} is not a session phase`);
    parts.push(`TradingPhase IN (${scope.phases.map((p) => `'${p}'`).join(', ')})`);
  }
  return parts.join(' AND ');
}
