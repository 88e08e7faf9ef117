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
import { KEEP_RECENT_KEYS, type RiskSnapshot } from './risk-snapshot';
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
  /** the durable counters changed (#11: the hot path checkpoints them) */
  onChange?: () => void;
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
  // ---- #11 durable counters ----
  private closedCount = 0;
  private seq = 0;
  private streakResets = 0;
  private lastFillAt: number | undefined;
  private dirty = false;
  /** trades beyond the last checkpoint are only counted (no verdict can fall there) */
  private readonly windowTrades: number;

  constructor(private readonly d: RiskMonitorDeps) {
    this.maxLoss = new Decimal(d.thresholds.maxCumulativeLossUsd);
    this.windowTrades = d.goNoGo.reduce((m, r) => Math.max(m, r.trades), 0);
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
      closedTrades: this.closedCount,
      lastSlippageBps: this.lastSlip,
      maxSlippageBps: this.maxSlip?.toString() ?? null,
      disconnectedForMs: this.downSince === null ? 0 : Math.max(0, this.lastAt - this.downSince),
      fired: this.fired,
      verdicts: [...this.verdicts],
    };
  }

  private handle(m: RiskInput): void {
    try {
      this.dispatch(m);
    } finally {
      if (this.dirty) this.publishChange();
    }
  }

  private dispatch(m: RiskInput): void {
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
    if (this.lastFillAt === undefined || f.at > this.lastFillAt) this.lastFillAt = f.at;
    this.pnl = this.pnl.plus(f.closedPnl).minus(f.fee);
    this.changed();
    if (f.intendedPx !== undefined) {
      const s = slippageBps(f.side, f.px, f.intendedPx);
      if (this.closedCount < this.windowTrades) this.slippages.push(s);
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
    this.closedCount++;
    if (this.trades.length < this.windowTrades) this.trades.push(trade);
    const net = new Decimal(tc.realizedPnlUsd).minus(tc.feesUsd);
    this.consecutive = net.isNeg() && !net.isZero() ? this.consecutive + 1 : 0;
    this.changed();
    if (this.consecutive >= this.d.thresholds.maxConsecutiveLosses) {
      this.fire('ConsecutiveLosses', { consecutiveLosses: this.consecutive, limit: this.d.thresholds.maxConsecutiveLosses });
    }
    const verdict =
      this.trades.length === this.closedCount
        ? evaluateGoNoGo({ trades: this.trades, fillSlippageBps: this.slippages, pnlCumulativeUsd: this.pnl.toString() }, this.d.goNoGo)
        : null;
    if (verdict) {
      this.verdicts.push(verdict);
      this.changed();
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

  // ---- #11 durable counters: snapshot / restore ----

  /** How many changes the counters have seen in this session (restored copies included). */
  get checkpointSeq(): number {
    return this.seq;
  }

  snapshot(): RiskSnapshot {
    return {
      v: 1,
      seq: this.seq,
      pnlCumulativeUsd: this.pnl.toString(),
      consecutiveLosses: this.consecutive,
      closedTrades: this.closedCount,
      trades: [...this.trades],
      fillSlippageBps: [...this.slippages],
      verdicts: [...this.verdicts],
      recentFills: lastOf(this.seenFills, KEEP_RECENT_KEYS),
      recentTrades: lastOf(this.seenTrades, KEEP_RECENT_KEYS),
      streakResets: this.streakResets,
      ...(this.lastFillAt !== undefined ? { lastFillAt: this.lastFillAt } : {}),
    };
  }

  /** The venue time of the newest fill counted (restored copies included); undefined before any. */
  newestFillAt(): number | undefined {
    return this.lastFillAt;
  }

  /**
   * Takes the counters of a checkpoint newer than what this monitor holds (restart, resume).
   * Returns false when the copy was not newer (nothing changed). The limits are checked by
   * `checkLimits()` once every copy and the operator's streak resets are in (before trading).
   */
  restore(s: RiskSnapshot): boolean {
    if (!s || s.v !== 1 || s.seq <= this.seq) return false;
    this.seq = s.seq;
    this.pnl = new Decimal(s.pnlCumulativeUsd);
    this.consecutive = s.consecutiveLosses;
    this.closedCount = s.closedTrades;
    this.trades.splice(0, this.trades.length, ...s.trades);
    this.slippages.splice(0, this.slippages.length, ...s.fillSlippageBps);
    this.verdicts.splice(0, this.verdicts.length, ...s.verdicts);
    for (const k of s.recentFills) this.seenFills.add(k);
    for (const k of s.recentTrades) this.seenTrades.add(k);
    this.streakResets = Math.max(this.streakResets, s.streakResets);
    if (typeof s.lastFillAt === 'number' && (this.lastFillAt === undefined || s.lastFillAt > this.lastFillAt)) this.lastFillAt = s.lastFillAt;
    return true;
  }

  /**
   * The operator's explicit reset of the losing streak (`hlx resume --reset-streak`), counted by the
   * session workflow: applied once per reset. Cumulative pnl is never reset within a session.
   */
  applyStreakResets(n: number): void {
    if (!(n > this.streakResets)) return;
    this.streakResets = n;
    this.consecutive = 0;
    this.publishChange();
  }

  /** Restored counters past a limit stop the session again at once (cumulative loss never resets). */
  checkLimits(): void {
    if (this.pnl.lte(this.maxLoss.neg())) {
      this.fire('CumulativeLoss', { pnlCumulativeUsd: this.pnl.toString(), limitUsd: this.d.thresholds.maxCumulativeLossUsd, restored: true });
    } else if (this.consecutive >= this.d.thresholds.maxConsecutiveLosses) {
      this.fire('ConsecutiveLosses', { consecutiveLosses: this.consecutive, limit: this.d.thresholds.maxConsecutiveLosses, restored: true });
    }
  }

  /** marks the counters changed; published once the event is fully handled */
  private changed(): void {
    this.dirty = true;
  }

  private publishChange(): void {
    this.dirty = false;
    this.seq++;
    try {
      this.d.onChange?.();
    } catch (e) {
      this.d.onError?.(e);
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

function lastOf(set: Set<string>, n: number): string[] {
  const all = [...set];
  return all.length > n ? all.slice(all.length - n) : all;
}
