/**
 * The session's word on trading. The hot path may trade only while the session workflow says
 * READY_TRADING, its latch is clear and the local readiness (socket, snapshots, positions) holds.
 * It reports itself ready with the hotPathReady update (which answers with the phase), then polls;
 * no fresh answer from Temporal for `temporalStaleMs` = no new exposure (fail closed). A resume by
 * an operator after this hot path stopped is seen here and rebuilds it.
 *
 * The poll asks `describe` first and the `state` query only when the session's history has grown
 * since the state it holds (or every `fullStateEvery` polls, a safety net). Every change of the
 * session's state comes with history events, and a query sees every event written before it, so
 * nothing is seen later than before; but a describe is answered by the server alone, while a
 * query is a task for the session's workflow worker. Polled every 500 ms by every hot path, the
 * queries were most of a fleet's Temporal load (and, on Temporal Cloud, billed Actions).
 */
import { WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import { syncMarketHalts } from '../../src/orchestration/market-stop';
import { mayTrade, STOPPED_PHASES, STOPPING_PHASES } from '../../src/orchestration/session-machine';
import type { Logger } from '../../src/util/log';
import { isHardStopReason } from '../../src/risk/reasons';
import { hotPathNotReadySignal, hotPathReadyUpdate, stateQuery, type SessionPhase, type SessionState } from '../../workflows/messages';
import type { HotPathHolder } from './hot-path-holder';
import type { PendingCalls } from './pending-calls';
import { SessionDescriber } from './session-describer';
import { startSessionOperation, type SessionLink } from './session-ports';

/** Phases in which a stop is running or done: a restarted hot path stays idle. */
export const STOP_PHASES: readonly SessionPhase[] = [...STOPPING_PHASES, ...STOPPED_PHASES];

const lastResumeAt = (s: SessionState) => s.resumes.reduce((m, r) => Math.max(m, r.at), -Infinity);

export interface SessionGateDeps {
  link: SessionLink;
  handle: WorkflowHandle;
  /** the session's describe, shared with the lease holder (default: one of its own) */
  describer?: SessionDescriber;
  holder: HotPathHolder;
  hostId: string;
  hotPathTaskQueue: string;
  /** the session's markets (market-scoped stops are followed for these) */
  markets: readonly string[];
  pending: PendingCalls;
  log: Logger;
  clock: () => number;
  phasePollMs: number;
  temporalStaleMs: number;
  /** runs a latch trigger the session itself announced without journalling it (#11's journal) */
  fromSession?: (fn: () => void) => void;
  /** an operator resumed the session: the holder was rebuilt, the venue must be re-read */
  onResumed: () => void;
  /** #11: the lease the session is asked to hold on this hot path, ms */
  leaseMs?: number;
  /** #11: the session's answer to the ready report, before it can allow trading (risk counters restored) */
  onSessionState?: (s: SessionState) => void;
  /** the `state` query at least every this many polls even when describe shows no change (default 20) */
  fullStateEvery?: number;
}

/** What the poll decides from a describe: the state held is still the session's, or query it. */
export function stateStillCurrent(held: { historyLength: number; runId: string } | null, described: { historyLength: number; runId: string }): boolean {
  return held !== null && held.runId === described.runId && held.historyLength === described.historyLength;
}

export class SessionGate {
  private state: SessionState | null = null;
  private lastAnswerAt = 0;
  /** the session must be told (again) that this hot path is ready before it may trade */
  private needReport = true;
  private polling = false;
  private closed = false;
  private timer: ReturnType<typeof setInterval> | undefined;
  /** the session's run and history length the held state was queried at (null: query next poll) */
  private heldAt: { historyLength: number; runId: string } | null = null;
  private pollsSinceQuery = 0;
  /** the last operator resume this hot path has seen; a newer one rebuilds a stopped hot path */
  private resumeSeenAt = -Infinity;

  private readonly describer: SessionDescriber;

  constructor(private readonly d: SessionGateDeps) {
    this.describer = d.describer ?? new SessionDescriber(d.handle, d.clock);
  }

  lastState(): SessionState | null {
    return this.state;
  }

  /** A (re)connect sync finished: report to the session again before trading. */
  requestReport(): void {
    this.needReport = true;
  }

  /** The socket went down: no trading, and the session is told once per outage. */
  socketDown(why: string): void {
    const hp = this.d.holder.current;
    // tell the session once per outage (a flapping socket must not flood it with signals)
    if (!this.needReport || hp.readiness.tradingAllowed) this.d.pending.track(this.d.handle.signal(hotPathNotReadySignal, { hostId: this.d.hostId, why }));
    this.needReport = true;
    hp.setTradingAllowed(false);
  }

  start(): void {
    this.timer = setInterval(() => void this.poll(), this.d.phasePollMs);
    this.timer.unref?.();
    void this.poll(); // not awaited: an unreachable Temporal must not hold the worker up (it just stays not allowed to trade)
  }

  /** Stops polling, forbids trading, tells the session (tracked); waits (bounded) for a poll in flight. */
  async stop(why: string, boundMs: number): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    this.d.holder.current.setTradingAllowed(false);
    this.d.pending.track(this.d.handle.signal(hotPathNotReadySignal, { hostId: this.d.hostId, why }));
    const deadline = Date.now() + boundMs;
    while (this.polling && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  }

  /** Polls the session's phase until one of `phases` or the timeout; null on timeout. */
  async waitForPhase(phases: readonly SessionPhase[], timeoutMs: number): Promise<SessionState | null> {
    const until = this.d.clock() + timeoutMs;
    while (this.d.clock() < until) {
      try {
        const s = await this.d.handle.query(stateQuery);
        if (phases.includes(s.phase)) return s;
      } catch {
        /* not reachable yet: keep asking until the deadline */
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    return null;
  }

  private localReady(): boolean {
    const r = this.d.holder.current.readiness;
    return r.socketUp && r.snapshotsLoaded && r.positionsSynced;
  }

  private apply(s: SessionState): void {
    const { log, holder } = this.d;
    this.state = s;
    this.lastAnswerAt = this.d.clock();
    const latch = holder.current.latch;
    // an operator resumed the session after this hot path stopped: start over with a fresh latch
    if (!latch.isTriggered()) this.resumeSeenAt = Math.max(this.resumeSeenAt, lastResumeAt(s));
    else if (!STOP_PHASES.includes(s.phase) && !s.hardStop && lastResumeAt(s) > this.resumeSeenAt) {
      log.warn('session resumed by an operator: rebuilding the hot path', { note: s.resumes[s.resumes.length - 1]?.note });
      this.resumeSeenAt = lastResumeAt(s);
      this.needReport = true;
      this.d.onResumed();
      return;
    }
    const hp = holder.current;
    this.selfLatch(s);
    // market-scoped stops: the session's reduce-only markets, halted here too (after a restart as well)
    const m = syncMarketHalts(hp, s, this.d.markets);
    if (m.halted.length || m.resumed.length) log.warn('market stops applied from the session', m);
    const allowed = mayTrade(s.phase) && !latch.isTriggered() && !this.needReport;
    if (hp.readiness.tradingAllowed !== allowed) {
      log.info(allowed ? 'session READY_TRADING: trading allowed' : 'trading not allowed by the session', { phase: s.phase });
    }
    hp.setTradingAllowed(allowed);
  }

  /**
   * stop (#10): a session that is stopping or stopped while this hot path's latch is clear (the
   * workflow's latch call did not reach it, or it restarted) — latch here too, with the session's
   * reason. While a stop runs that is the whole HardStop (cancels and flatten from memory); once
   * stopped, only the latch and the cancels (an operator may have abandoned the stop on purpose).
   */
  private selfLatch(s: SessionState): void {
    const hp = this.d.holder.current;
    if (hp.latch.isTriggered() || !STOP_PHASES.includes(s.phase)) return;
    const reason = isHardStopReason(s.hardStop?.reason) ? s.hardStop!.reason : 'Operator';
    this.d.log.warn('session is stopping or stopped: latching this hot path', { phase: s.phase, reason });
    // the session announced this HardStop: it is durable in Temporal already, so it is neither
    // journalled nor signalled back (a journal entry nobody acknowledges would latch every restart)
    const fromSession = this.d.fromSession ?? ((fn: () => void) => fn());
    fromSession(() => {
      if (STOPPING_PHASES.includes(s.phase)) hp.hardStop(reason, 'workflow', { selfLatched: true, phase: s.phase });
      else if (hp.latch.trigger(reason, 'workflow')) hp.executor.onHardStop(reason, { flatten: false });
    });
  }

  private async report(): Promise<void> {
    const positions = this.d.holder.current.tracker.allPositions();
    const s = await this.d.link.client.workflow.executeUpdateWithStart(hotPathReadyUpdate, {
      args: [{ hostId: this.d.hostId, taskQueue: this.d.hotPathTaskQueue, positions, ...(this.d.leaseMs ? { leaseMs: this.d.leaseMs } : {}) }],
      startWorkflowOperation: startSessionOperation(this.d.link),
    });
    this.d.onSessionState?.(s); // #11: restore before trading
    this.needReport = false;
    this.heldAt = null; // the next poll queries again
    if (STOP_PHASES.includes(s.phase)) {
      this.d.log.warn('session is stopped: no order will be sent until an operator resumes it', { phase: s.phase, hardStop: s.hardStop?.reason });
    }
    this.apply(s);
  }

  /** The session's state: the one held while describe shows its history unchanged, else queried. */
  private async readState(): Promise<SessionState> {
    const { d } = await this.describer.describe(0);
    const described = { historyLength: d.historyLength, runId: d.runId };
    if (this.state !== null && ++this.pollsSinceQuery < (this.d.fullStateEvery ?? 20) && stateStillCurrent(this.heldAt, described)) return this.state;
    this.pollsSinceQuery = 0;
    // a query sees every event written before it: the state answered is at least as new as `described`
    const s = await this.d.handle.query(stateQuery);
    this.heldAt = described;
    return s;
  }

  private async poll(): Promise<void> {
    if (this.polling || this.closed) return;
    this.polling = true;
    const hp = () => this.d.holder.current;
    try {
      if (this.needReport && this.localReady()) await this.report();
      else this.apply(await this.readState());
      if (this.state?.phase === 'STARTING' && this.localReady() && !hp().latch.isTriggered()) this.needReport = true;
    } catch (e) {
      if (!(e instanceof WorkflowNotFoundError)) this.d.log.warn('session workflow not reachable', { error: (e as Error).message });
      else this.needReport = true;
    } finally {
      this.polling = false;
      // fail closed: no fresh word from Temporal, no new exposure
      const staleMs = this.d.clock() - this.lastAnswerAt;
      if (staleMs > this.d.temporalStaleMs && hp().readiness.tradingAllowed) {
        this.d.log.warn('no answer from Temporal: trading not allowed', { staleMs });
        hp().setTradingAllowed(false);
      }
    }
  }
}
