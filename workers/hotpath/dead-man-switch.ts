/**
 * The venue's own dead-man switch (#11): Hyperliquid's `scheduleCancel` cancels every open order of
 * the account at a time we set (≥ 5 s ahead). Armed here and pushed forward every `rearmMs` while
 * the process lives; cleared on a planned shutdown. If this process dies, the venue cancels the
 * resting orders by itself, independently of Temporal (the lease's stop flattens the positions).
 *
 * The venue refuses it below $1M traded volume ("Cannot set scheduled cancel time until enough
 * volume traded"): then it is shown as refused and tried again hourly. Each time it actually fires
 * counts against a budget of 10 triggers per UTC day: an arm still pending when the previous process
 * ended is counted as a trigger (in `<stateDir>/<sessionId>/dead-man.json`) and no arm is made once
 * the day's budget is used up.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { scheduleCancelAction } from '../../src/exchange/hyperliquid/actions';
import type { OrderTransport, WirePort } from '../../src/executor/ports';
import { sessionStateDir, writeFileDurably } from '../../src/state/hardstop-journal';
import type { Logger } from '../../src/util/log';

/** The venue's limit (HL-exchange-endpoint): at most 10 triggers per day, reset 00:00 UTC. */
export const DAILY_TRIGGER_BUDGET = 10;
export const MIN_LEAD_MS = 5_000;
const RETRY_REFUSED_MS = 3_600_000;

const Record_ = z.object({ day: z.string(), triggers: z.number().int().nonnegative(), armedUntil: z.number().nullable() });
type DeadManRecord = z.infer<typeof Record_>;

export interface DeadManStatus {
  armed: boolean;
  /** when the venue would cancel everything if not pushed forward, ms since epoch */
  until?: number;
  /** why it is not armed (venue refusal, budget used up, not tried yet) */
  why?: string;
  triggersToday: number;
}

export interface DeadManDeps {
  sessionId: string;
  stateRoot?: string | undefined;
  wire: Pick<WirePort, 'nextNonce' | 'sign'>;
  transport: OrderTransport;
  log: Logger;
  clock: () => number;
  /** how far ahead the cancel is scheduled, ms (≥ 5 s) */
  leadMs: number;
  /** how often it is pushed forward, ms */
  rearmMs: number;
}

const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export class DeadManSwitch {
  readonly file: string;
  private rec: DeadManRecord;
  private st: DeadManStatus;
  private timer: ReturnType<typeof setInterval> | undefined;
  private nextTryAt = 0;
  private busy = false;

  constructor(private readonly d: DeadManDeps) {
    this.file = path.join(d.stateRoot ? sessionStateDir(d.sessionId, d.stateRoot) : sessionStateDir(d.sessionId), 'dead-man.json');
    const now = d.clock();
    this.rec = this.load(now);
    this.st = { armed: false, why: 'not armed yet', triggersToday: this.rec.triggers };
  }

  status(): DeadManStatus {
    return { ...this.st, triggersToday: this.rec.triggers };
  }

  start(): void {
    void this.arm();
    this.timer = setInterval(() => void this.arm(), this.d.rearmMs);
    this.timer.unref?.();
  }

  /** A planned shutdown: clear the scheduled cancel (it must not fire, nor use up the day's budget). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    if (!this.st.armed) return;
    const err = await this.send(undefined);
    if (err === null) {
      this.rec = { ...this.rec, armedUntil: null };
      this.save();
      this.st = { armed: false, why: 'cleared at shutdown', triggersToday: this.rec.triggers };
    } else this.d.log.warn('scheduled cancel not cleared at shutdown: it will fire', { error: err, until: this.st.until });
  }

  /** An arm still pending when the last process ended fired (or will): one of the day's triggers. */
  private load(now: number): DeadManRecord {
    let r: DeadManRecord = { day: utcDay(now), triggers: 0, armedUntil: null };
    try {
      const p = Record_.safeParse(JSON.parse(fs.readFileSync(this.file, 'utf8')));
      if (p.success) r = p.data;
    } catch {
      /* none yet */
    }
    const today = utcDay(now);
    const base = r.day === today ? r.triggers : 0;
    // the previous process ended with an arm outstanding: the venue fired (or will fire) it
    const fired = r.armedUntil !== null && utcDay(r.armedUntil) === today ? 1 : 0;
    return { day: today, triggers: base + fired, armedUntil: null };
  }

  private save(): void {
    try {
      writeFileDurably(this.file, JSON.stringify(this.rec));
    } catch (e) {
      this.d.log.warn('dead-man switch record not written', { file: this.file, error: (e as Error).message });
    }
  }

  private async arm(): Promise<void> {
    const now = this.d.clock();
    if (this.busy || now < this.nextTryAt) return;
    if (utcDay(now) !== this.rec.day) this.rec = { day: utcDay(now), triggers: 0, armedUntil: this.rec.armedUntil };
    if (this.rec.triggers >= DAILY_TRIGGER_BUDGET) {
      this.st = { armed: false, why: `the venue's ${DAILY_TRIGGER_BUDGET} scheduled-cancel triggers of today are used up`, triggersToday: this.rec.triggers };
      return;
    }
    this.busy = true;
    const until = now + Math.max(MIN_LEAD_MS + 1_000, this.d.leadMs);
    try {
      // the arm is recorded before it is sent: a death right after it still counts as a trigger
      this.rec = { ...this.rec, armedUntil: until };
      this.save();
      const err = await this.send(until);
      if (err === null) {
        if (!this.st.armed) this.d.log.info('venue scheduled cancel armed', { leadMs: until - now });
        this.st = { armed: true, until, triggersToday: this.rec.triggers };
      } else {
        this.rec = { ...this.rec, armedUntil: null };
        this.save();
        if (this.st.why !== err) this.d.log.warn('venue scheduled cancel refused', { error: err });
        this.st = { armed: false, why: err, triggersToday: this.rec.triggers };
        if (/enough volume traded/i.test(err)) this.nextTryAt = now + RETRY_REFUSED_MS;
      }
    } finally {
      this.busy = false;
    }
  }

  /** null when the venue accepted, else its error text. */
  private async send(time: number | undefined): Promise<string | null> {
    try {
      const req = this.d.wire.sign(scheduleCancelAction(time), this.d.wire.nextNonce(), undefined);
      const r = await this.d.transport.post(req);
      if (r.status === 'ok') return null;
      return typeof r.response === 'string' ? r.response : JSON.stringify(r.response);
    } catch (e) {
      return (e as Error).message;
    }
  }
}

/** How far ahead and how often the session's scheduled cancel is set: well past one lease, pushed every half lease. */
export function deadManTimings(hotPathLeaseMs: number): { leadMs: number; rearmMs: number } {
  return { leadMs: Math.max(10_000, 2 * hotPathLeaseMs), rearmMs: Math.max(2_000, Math.floor(hotPathLeaseMs / 2)) };
}
