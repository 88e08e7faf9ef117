/**
 * The RiskMonitor's counters, durable (#11). Every change is written (fsync'd, atomically) to
 * `<stateDir>/<sessionId>/risk.json` on the next turn of the event loop, and sent to the session
 * workflow as a `riskCheckpoint` signal at most once per `intervalMs` (so its history stays small).
 * A hot path, new after a restart or rebuilt after a resume, takes the newer of the two copies
 * before the session may allow it to trade (the local one at build, the workflow's with the ready
 * report's answer), together with any streak reset the operator asked for.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { newerSnapshot, type RiskSnapshot } from '../../src/risk/risk-snapshot';
import type { RiskMonitor } from '../../src/risk/risk-monitor';
import { sessionStateDir, writeFileDurably } from '../../src/state/hardstop-journal';
import type { Logger } from '../../src/util/log';
import { riskCheckpointSignal, type SessionState } from '../../workflows/messages';

export interface RiskCheckpointDeps {
  sessionId: string;
  stateRoot?: string | undefined;
  monitor: () => RiskMonitor;
  handle: Pick<WorkflowHandle, 'signal'>;
  intervalMs: number;
  log: Logger;
}

export class RiskCheckpointer {
  readonly file: string;
  private localDirty = false;
  private sentSeq = -1;
  private sending = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastSentAt = 0;
  private closed = false;
  /** the newest counters seen (a monitor replaced by a resume may not have been written yet) */
  private latest: RiskSnapshot | null = null;

  constructor(private readonly d: RiskCheckpointDeps) {
    this.file = path.join(d.stateRoot ? sessionStateDir(d.sessionId, d.stateRoot) : sessionStateDir(d.sessionId), 'risk.json');
  }

  /** The local copy (null when there is none or it is unreadable: the workflow's copy then decides). */
  readLocal(): RiskSnapshot | null {
    try {
      return newerSnapshot(JSON.parse(fs.readFileSync(this.file, 'utf8')) as RiskSnapshot, null);
    } catch {
      return null;
    }
  }

  /** A new hot path's monitor starts from the local copy (before any event reaches it); true if one was taken. */
  restoreLocal(m: RiskMonitor): boolean {
    const s = newerSnapshot(this.latest, this.readLocal());
    const restored = !!s && m.restore(s);
    if (restored) this.d.log.warn('risk counters restored from the state directory', this.describe(s!));
    return restored;
  }

  /** The session's answer to the ready report: its copy if newer, and the operator's streak resets. */
  restoreFromSession(s: SessionState): boolean {
    const m = this.d.monitor();
    const restored = !!s.risk && m.restore(s.risk);
    if (restored) this.d.log.warn('risk counters restored from the session workflow', this.describe(s.risk!));
    if (typeof s.riskStreakResets === 'number') m.applyStreakResets(s.riskStreakResets);
    // every copy and reset is in: a session past a limit stops again before it may trade
    m.checkLimits();
    return restored;
  }

  /** The monitor's onChange: local write soon, workflow signal batched. */
  onChange(): void {
    if (this.closed) return;
    this.latest = this.d.monitor().snapshot();
    if (!this.localDirty) {
      this.localDirty = true;
      setImmediate(() => this.writeLocal());
    }
    this.scheduleSend();
  }

  /** Shutdown: the last local copy, and (bounded by the caller) the last signal. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.writeLocal();
    await this.send();
  }

  private describe(s: RiskSnapshot) {
    return { seq: s.seq, pnlCumulativeUsd: s.pnlCumulativeUsd, consecutiveLosses: s.consecutiveLosses, closedTrades: s.closedTrades, file: this.file };
  }

  private writeLocal(): void {
    this.localDirty = false;
    try {
      const snap = newerSnapshot(this.latest, this.d.monitor().snapshot());
      if (snap) writeFileDurably(this.file, JSON.stringify(snap));
    } catch (e) {
      this.d.log.error('risk counters NOT written to the state directory', { file: this.file, error: (e as Error).message });
    }
  }

  private scheduleSend(): void {
    if (this.timer || this.closed) return;
    const wait = Math.max(0, this.lastSentAt + this.d.intervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.send();
    }, wait);
    this.timer.unref?.();
  }

  private async send(): Promise<void> {
    const snap = this.d.monitor().snapshot();
    if (this.sending || snap.seq <= this.sentSeq) return;
    this.sending = true;
    this.lastSentAt = Date.now();
    try {
      await this.d.handle.signal(riskCheckpointSignal, snap);
      this.sentSeq = snap.seq;
    } catch (e) {
      this.d.log.warn('risk checkpoint not sent to the session workflow; retrying', { seq: snap.seq, error: (e as Error).message });
    } finally {
      this.sending = false;
      if (!this.closed && this.d.monitor().checkpointSeq > this.sentSeq) this.scheduleSend();
    }
  }
}
