/**
 * RiskMonitor (SPEC §5): one actor consuming the ordered ExecutionEvent stream. It keeps
 * pnl_cumulative, consecutive losses, rejects in a sliding window, slippage per fill and the
 * disconnect duration; a fill seen twice (same coin + trade id) and a trade closed twice count
 * once. When a threshold is crossed it calls, in this order: `latch.trigger(reason)`,
 * `executor.onHardStop(reason)`, then the workflow signal port. It fires at most once.
 *
 * Go/No-Go (SPEC §6) is evaluated here at each checkpoint with the shared pure function.
 */
import Decimal from 'decimal.js';
import type { ExecutionEvent } from './execution-events';
import { evaluateGoNoGo, slippageBps, type ClosedTrade, type GoNoGoRule, type GoNoGoVerdict } from './go-no-go';
import type { HardStopReason } from './reasons';
import { Mailbox, microtaskSchedule, type Schedule } from '../state/mailbox';

export interface RiskThresholds {
  maxCumulativeLossUsd: string;
  maxConsecutiveLosses: number;
  rejectBurstCount: number;
  rejectWindowMs: number;
  maxFillSlippageBps: number;
  maxDisconnectMs: number;
}

export type RiskInput = ExecutionEvent | { type: 'timer'; at: number };

export interface RiskMonitorDeps {
  thresholds: RiskThresholds;
  goNoGo: readonly GoNoGoRule[];
  latch: { trigger(reason: HardStopReason, source: string): boolean };
  executor: { onHardStop(reason: HardStopReason): unknown };
  hardStopPort: { signalHardStop(reason: string, source: string, details?: object): Promise<void> };
  checkpointPort?: { reportCheckpoint(v: object): Promise<void> };
  schedule?: Schedule;
  onError?: (e: unknown) => void;
}

export interface RiskFigures {
  pnlCumulativeUsd: string;
  consecutiveLosses: number;
  rejectsInWindow: number;
  closedTrades: number;
  lastSlippageBps: string | null;
  maxSlippageBps: string | null;
  disconnectedForMs: number;
  fired: { reason: HardStopReason; details: object } | null;
  verdicts: GoNoGoVerdict[];
}

export class RiskMonitor {
  private readonly mailbox: Mailbox<RiskInput>;
  private pnl = new Decimal(0);
  private readonly maxLoss: Decimal;
  private consecutive = 0;
  private readonly rejectTimes: number[] = [];
  private readonly seenRejects = new Set<string>();
  private readonly seenFills = new Set<string>();
  private readonly seenTrades = new Set<string>();
  private readonly trades: ClosedTrade[] = [];
  private readonly slippages: string[] = [];
  private maxSlip: Decimal | null = null;
  private lastSlip: string | null = null;
  private downSince: number | null = null;
  private lastAt = 0;
  private fired: { reason: HardStopReason; details: object } | null = null;
  private readonly verdicts: GoNoGoVerdict[] = [];

  constructor(private readonly d: RiskMonitorDeps) {
    this.maxLoss = new Decimal(d.thresholds.maxCumulativeLossUsd);
    this.mailbox = new Mailbox<RiskInput>((m) => this.handle(m), d.schedule ?? microtaskSchedule, (e) => d.onError?.(e));
  }

  post(ev: RiskInput): void {
    this.mailbox.post(ev);
  }
  drain(): void {
    this.mailbox.drain();
  }

  figures(): RiskFigures {
    return {
      pnlCumulativeUsd: this.pnl.toString(),
      consecutiveLosses: this.consecutive,
      rejectsInWindow: this.rejectTimes.length,
      closedTrades: this.trades.length,
      lastSlippageBps: this.lastSlip,
      maxSlippageBps: this.maxSlip?.toString() ?? null,
      disconnectedForMs: this.downSince === null ? 0 : Math.max(0, this.lastAt - this.downSince),
      fired: this.fired,
      verdicts: [...this.verdicts],
    };
  }

  private handle(m: RiskInput): void {
    if (m.at > this.lastAt) this.lastAt = m.at;
    switch (m.type) {
      case 'filled':
        return this.onFill(m);
      case 'rejected':
        return this.onReject(m);
      case 'tradeClosed':
        return this.onTradeClosed(m);
      case 'socket':
        return this.onSocket(m.up, m.at);
      case 'timer':
        return this.checkDisconnect(m.at);
      default:
        return; // posted / cancelled: nothing to count
    }
  }

  private onFill(f: Extract<ExecutionEvent, { type: 'filled' }>): void {
    const key = `${f.coin}:${f.tid}`;
    if (this.seenFills.has(key)) return;
    this.seenFills.add(key);
    this.pnl = this.pnl.plus(f.closedPnl).minus(f.fee);
    if (f.intendedPx !== undefined) {
      const s = slippageBps(f.side, f.px, f.intendedPx);
      this.slippages.push(s);
      this.lastSlip = s;
      const sd = new Decimal(s);
      if (this.maxSlip === null || sd.gt(this.maxSlip)) this.maxSlip = sd;
      if (sd.gt(this.d.thresholds.maxFillSlippageBps)) {
        this.fire('SlippageAnomaly', { coin: f.coin, tid: f.tid, px: f.px, intendedPx: f.intendedPx, slippageBps: s });
      }
    }
    if (this.pnl.lte(this.maxLoss.neg())) {
      this.fire('CumulativeLoss', { pnlCumulativeUsd: this.pnl.toString(), limitUsd: this.d.thresholds.maxCumulativeLossUsd });
    }
  }

  private onReject(r: Extract<ExecutionEvent, { type: 'rejected' }>): void {
    if (r.cloid !== undefined) {
      if (this.seenRejects.has(r.cloid)) return;
      this.seenRejects.add(r.cloid);
    }
    const w = this.d.thresholds.rejectWindowMs;
    // keep times sorted (events may arrive out of order), then look at every window holding r.at
    const t = this.rejectTimes;
    let i = t.length;
    while (i > 0 && t[i - 1] > r.at) i--;
    t.splice(i, 0, r.at);
    const newest = t[t.length - 1];
    while (t.length > 0 && t[0] < newest - w) t.shift();
    const n = this.d.thresholds.rejectBurstCount;
    for (let j = 0; j + n - 1 < t.length; j++) {
      if (t[j + n - 1] - t[j] <= w) {
        this.fire('RejectBurst', { rejects: n, windowMs: w, lastReason: r.reason });
        return;
      }
    }
  }

  private onTradeClosed(tc: Extract<ExecutionEvent, { type: 'tradeClosed' }>): void {
    if (this.seenTrades.has(tc.tradeId)) return;
    this.seenTrades.add(tc.tradeId);
    const trade: ClosedTrade = { tradeId: tc.tradeId, entryNotionalUsd: tc.entryNotionalUsd, realizedPnlUsd: tc.realizedPnlUsd, feesUsd: tc.feesUsd };
    this.trades.push(trade);
    const net = new Decimal(tc.realizedPnlUsd).minus(tc.feesUsd);
    this.consecutive = net.isNeg() && !net.isZero() ? this.consecutive + 1 : 0;
    if (this.consecutive >= this.d.thresholds.maxConsecutiveLosses) {
      this.fire('ConsecutiveLosses', { consecutiveLosses: this.consecutive, limit: this.d.thresholds.maxConsecutiveLosses });
    }
    const verdict = evaluateGoNoGo({ trades: this.trades, fillSlippageBps: this.slippages, pnlCumulativeUsd: this.pnl.toString() }, this.d.goNoGo);
    if (verdict) {
      this.verdicts.push(verdict);
      this.d.checkpointPort?.reportCheckpoint(verdict).catch((e) => this.d.onError?.(e));
      if (verdict.verdict === 'NO_GO') this.fire('NoGo', { checkpoint: verdict.checkpoint, figures: verdict.figures, failed: verdict.failed });
    }
  }

  private onSocket(up: boolean, at: number): void {
    if (!up) {
      if (this.downSince === null || at < this.downSince) this.downSince = at;
      return;
    }
    if (this.downSince !== null && at >= this.downSince) {
      this.checkDisconnect(at);
      this.downSince = null;
    }
  }

  /** Fed by the hot path's timer while the socket is down (the connection manager's trigger). */
  private checkDisconnect(now: number): void {
    if (this.downSince === null) return;
    const down = now - this.downSince;
    if (down > this.d.thresholds.maxDisconnectMs) {
      this.fire('SocketDisconnected', { disconnectedMs: down, limitMs: this.d.thresholds.maxDisconnectMs });
    }
  }

  private fire(reason: HardStopReason, details: object): void {
    if (this.fired) return;
    this.fired = { reason, details };
    this.d.latch.trigger(reason, 'risk-monitor');
    try {
      this.d.executor.onHardStop(reason);
    } finally {
      Promise.resolve()
        .then(() => this.d.hardStopPort.signalHardStop(reason, 'risk-monitor', details))
        .catch((e) => this.d.onError?.(e));
    }
  }
}
