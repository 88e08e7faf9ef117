/**
 * The RiskMonitor's durable counters (#11): what must survive a process restart and an operator
 * resume within one session — cumulative pnl with fees, the losing streak, the closed-trade count
 * and the Go/No-Go window. Checkpointed by the hot path to its state directory (every change) and
 * to the session workflow (batched); restored before the hot path may trade.
 * Pure types and functions: the workflow bundle imports this file.
 */
import type { ClosedTrade, GoNoGoVerdict } from './go-no-go';

export interface RiskSnapshot {
  v: 1;
  /** grows with every change within the session; of two copies the higher one is newer */
  seq: number;
  pnlCumulativeUsd: string;
  consecutiveLosses: number;
  closedTrades: number;
  /** the Go/No-Go window: closed trades up to the last checkpoint (later ones are only counted) */
  trades: ClosedTrade[];
  /** slippage of each fill in the window, bps */
  fillSlippageBps: string[];
  verdicts: GoNoGoVerdict[];
  /** the last fill keys (coin:tid) and trade ids seen, so a fill replayed after a restart counts once */
  recentFills: string[];
  recentTrades: string[];
  /** operator streak resets (`hlx resume --reset-streak`) already applied to these counters */
  streakResets: number;
  /** the venue time of the newest fill counted: a new process counts the account's fills since (catch-up) */
  lastFillAt?: number;
}

export const KEEP_RECENT_KEYS = 200;

/** The newer of two copies (null when neither is usable). */
export function newerSnapshot(a: RiskSnapshot | null | undefined, b: RiskSnapshot | null | undefined): RiskSnapshot | null {
  const ok = (x: RiskSnapshot | null | undefined): x is RiskSnapshot => !!x && x.v === 1 && typeof x.seq === 'number';
  if (!ok(a)) return ok(b) ? b : null;
  if (!ok(b)) return a;
  return b.seq > a.seq ? b : a;
}
