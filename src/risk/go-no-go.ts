/**
 * Go/No-Go (SPEC §6): one pure, deterministic function from the trade record to a verdict at the
 * checkpoints of one rule table (configuration `goNoGo.checkpoints`, by default 10, 50 and 100
 * closed trades). Shared by the hot path's RiskMonitor and the session workflow, so it imports
 * nothing but decimal.js (pure JS): no Node built-ins, no I/O, no clock.
 *
 *   actual_edge_bps (per trade) = (realised pnl − fees) / entry notional × 10⁴
 *   slippage_bps    (per fill)  = signed (fill px − intended px) / intended px × 10⁴, positive = worse
 *   pnl_cumulative              = Σ closed pnl − fees
 */
import DecimalBase from 'decimal.js';

const D = DecimalBase.clone({ precision: 40, rounding: DecimalBase.ROUND_HALF_EVEN });
type Dec = InstanceType<typeof D>;

export interface GoNoGoRule {
  /** the checkpoint: evaluated when exactly this many trades have closed */
  trades: number;
  /** mean actual_edge_bps must be ≥ this */
  minMeanEdgeBps: number;
  /** mean slippage_bps must be ≤ this */
  maxMeanSlippageBps: number;
  /** pnl_cumulative must be ≥ this (USD decimal string) */
  minPnlCumulativeUsd: string;
}

export interface ClosedTrade {
  tradeId: string;
  entryNotionalUsd: string;
  realizedPnlUsd: string;
  feesUsd: string;
}

export interface TradeRecord {
  trades: readonly ClosedTrade[];
  /** slippage_bps of each fill (decimal strings), see `slippageBps` */
  fillSlippageBps: readonly string[];
  /** when the caller keeps pnl_cumulative itself (RiskMonitor, over every fill); else Σ over trades */
  pnlCumulativeUsd?: string;
}

export interface GoNoGoFigures {
  closedTrades: number;
  meanEdgeBps: string;
  meanSlippageBps: string;
  pnlCumulativeUsd: string;
}

export type GoNoGoRuleName = 'minMeanEdgeBps' | 'maxMeanSlippageBps' | 'minPnlCumulativeUsd';

export interface GoNoGoVerdict {
  checkpoint: number;
  verdict: 'GO' | 'NO_GO';
  figures: GoNoGoFigures;
  failed: { rule: GoNoGoRuleName; actual: string; threshold: string }[];
}

/** (realised − fees) / entry notional × 10⁴; a trade with no entry notional has edge 0. */
export function actualEdgeBps(t: ClosedTrade): string {
  const entry = new D(t.entryNotionalUsd);
  if (entry.isZero()) return '0';
  return new D(t.realizedPnlUsd).minus(t.feesUsd).div(entry).times(10_000).toString();
}

/** Signed slippage of one fill in bps: positive = worse than intended (paid more / sold for less). */
export function slippageBps(side: 'B' | 'A', fillPx: string, intendedPx: string): string {
  const intended = new D(intendedPx);
  if (intended.isZero()) return '0';
  const diff = new D(fillPx).minus(intended);
  return (side === 'B' ? diff : diff.neg()).div(intended).times(10_000).toString();
}

function mean(xs: readonly Dec[]): Dec {
  if (xs.length === 0) return new D(0);
  return xs.reduce((a, b) => a.plus(b), new D(0)).div(xs.length);
}

export function goNoGoFigures(rec: TradeRecord): GoNoGoFigures {
  const edges = rec.trades.map((t) => new D(actualEdgeBps(t)));
  const slips = rec.fillSlippageBps.map((s) => new D(s));
  const pnl =
    rec.pnlCumulativeUsd !== undefined
      ? new D(rec.pnlCumulativeUsd)
      : rec.trades.reduce((a, t) => a.plus(t.realizedPnlUsd).minus(t.feesUsd), new D(0));
  return {
    closedTrades: rec.trades.length,
    meanEdgeBps: mean(edges).toDecimalPlaces(4).toString(),
    meanSlippageBps: mean(slips).toDecimalPlaces(4).toString(),
    pnlCumulativeUsd: pnl.toString(),
  };
}

/** The verdict of one rule row for this record (whatever the trade count). */
export function evaluateRule(rec: TradeRecord, rule: GoNoGoRule): GoNoGoVerdict {
  const figures = goNoGoFigures(rec);
  const failed: GoNoGoVerdict['failed'] = [];
  if (new D(figures.meanEdgeBps).lt(rule.minMeanEdgeBps)) {
    failed.push({ rule: 'minMeanEdgeBps', actual: figures.meanEdgeBps, threshold: String(rule.minMeanEdgeBps) });
  }
  if (new D(figures.meanSlippageBps).gt(rule.maxMeanSlippageBps)) {
    failed.push({ rule: 'maxMeanSlippageBps', actual: figures.meanSlippageBps, threshold: String(rule.maxMeanSlippageBps) });
  }
  if (new D(figures.pnlCumulativeUsd).lt(rule.minPnlCumulativeUsd)) {
    failed.push({ rule: 'minPnlCumulativeUsd', actual: figures.pnlCumulativeUsd, threshold: rule.minPnlCumulativeUsd });
  }
  return { checkpoint: rule.trades, verdict: failed.length === 0 ? 'GO' : 'NO_GO', figures, failed };
}

/** The table row whose checkpoint is exactly `closedTrades`, if any. */
export function checkpointRule(closedTrades: number, table: readonly GoNoGoRule[]): GoNoGoRule | undefined {
  return table.find((r) => r.trades === closedTrades);
}

/** The verdict when the record sits exactly at a checkpoint of the table, else null. */
export function evaluateGoNoGo(rec: TradeRecord, table: readonly GoNoGoRule[]): GoNoGoVerdict | null {
  const rule = checkpointRule(rec.trades.length, table);
  return rule ? evaluateRule(rec, rule) : null;
}
