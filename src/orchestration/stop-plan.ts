/**
 * The stop sequence's decisions as pure functions: option defaults, backoff, what counts as flat,
 * and the one-line activity summaries the Temporal UI shows. The workflow
 * (workflows/stop-sequence.ts) is a thin shell over these.
 * Pure: no Node built-ins, no I/O, no clock.
 */
import type { PositionView, StopOptions } from '../../workflows/messages';

export interface ResolvedStopOptions {
  /** fast rounds (with backoff) before STOP_STUCK; `maxFlattenAttempts` is its older name */
  fastRounds: number;
  /** alias of fastRounds, kept for callers that still read it */
  maxFlattenAttempts: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
  backoffFactor: number;
  /** after the fast rounds, one round per this long, until flat or abandoned */
  slowRoundMs: number;
  latchTimeoutMs: number;
  /** the first round's widening beyond the book price, bps (doubles each round) */
  aggressionBps: number;
  /** the ceiling of the widening, from the mark, bps */
  maxSlippageBps: number;
  maxOrderNotionalUsd: string;
  maxOrdersPerAction: number;
  maxCancelsPerAction: number;
  activityTimeoutMs: number;
  workerWaitMs: number;
  hotPathExpiresAfterMs: number;
  alertMinIntervalMs: number;
  roundsPerRun: number;
  stopTaskQueue?: string;
}

export const STOP_DEFAULTS: ResolvedStopOptions = {
  fastRounds: 6,
  maxFlattenAttempts: 6,
  backoffInitialMs: 200,
  backoffMaxMs: 3_000,
  backoffFactor: 2,
  slowRoundMs: 30_000,
  // A live hot path answers in milliseconds; this bounds the wait when its host is gone.
  latchTimeoutMs: 1_000,
  aggressionBps: 50,
  // 5 %: wide enough for a fast market, never an absurd price (the venue refuses > 80 % from the mark).
  maxSlippageBps: 500,
  maxOrderNotionalUsd: '1000000',
  maxOrdersPerAction: 40,
  maxCancelsPerAction: 200,
  activityTimeoutMs: 10_000,
  workerWaitMs: 5_000,
  hotPathExpiresAfterMs: 5_000,
  alertMinIntervalMs: 60_000,
  roundsPerRun: 100,
};

function posInt(v: unknown, fallback: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max ? Math.floor(v) : fallback;
}

export function resolveStopOptions(o: StopOptions | undefined): ResolvedStopOptions {
  const fastRounds = posInt(o?.fastRounds, posInt(o?.maxFlattenAttempts, STOP_DEFAULTS.fastRounds));
  const r: ResolvedStopOptions = {
    fastRounds,
    maxFlattenAttempts: fastRounds,
    backoffInitialMs: posInt(o?.backoffInitialMs, STOP_DEFAULTS.backoffInitialMs, 0),
    backoffMaxMs: posInt(o?.backoffMaxMs, STOP_DEFAULTS.backoffMaxMs, 0),
    backoffFactor: typeof o?.backoffFactor === 'number' && o.backoffFactor >= 1 ? o.backoffFactor : STOP_DEFAULTS.backoffFactor,
    slowRoundMs: posInt(o?.slowRoundMs, STOP_DEFAULTS.slowRoundMs, 10),
    latchTimeoutMs: posInt(o?.latchTimeoutMs, STOP_DEFAULTS.latchTimeoutMs, 50),
    aggressionBps: posInt(o?.aggressionBps, STOP_DEFAULTS.aggressionBps, 1),
    maxSlippageBps: posInt(o?.maxSlippageBps, STOP_DEFAULTS.maxSlippageBps, 1, 7_000),
    maxOrderNotionalUsd: typeof o?.maxOrderNotionalUsd === 'string' && /^\d+(\.\d+)?$/.test(o.maxOrderNotionalUsd) && !/^0+(\.0*)?$/.test(o.maxOrderNotionalUsd) ? o.maxOrderNotionalUsd : STOP_DEFAULTS.maxOrderNotionalUsd,
    maxOrdersPerAction: posInt(o?.maxOrdersPerAction, STOP_DEFAULTS.maxOrdersPerAction, 1, 40),
    maxCancelsPerAction: posInt(o?.maxCancelsPerAction, STOP_DEFAULTS.maxCancelsPerAction, 1, 200),
    activityTimeoutMs: posInt(o?.activityTimeoutMs, STOP_DEFAULTS.activityTimeoutMs, 100),
    workerWaitMs: posInt(o?.workerWaitMs, STOP_DEFAULTS.workerWaitMs, 100),
    hotPathExpiresAfterMs: posInt(o?.hotPathExpiresAfterMs, STOP_DEFAULTS.hotPathExpiresAfterMs, 0),
    alertMinIntervalMs: posInt(o?.alertMinIntervalMs, STOP_DEFAULTS.alertMinIntervalMs, 0),
    roundsPerRun: posInt(o?.roundsPerRun, STOP_DEFAULTS.roundsPerRun, 2),
  };
  if (o?.stopTaskQueue) r.stopTaskQueue = o.stopTaskQueue;
  return r;
}

/** The wait before flatten round `attempt + 1` (attempt counts from 1), capped. */
export function backoffMs(attempt: number, o: ResolvedStopOptions): number {
  const raw = o.backoffInitialMs * Math.pow(o.backoffFactor, Math.max(0, attempt - 1));
  return Math.min(o.backoffMaxMs, Math.round(raw));
}

/**
 * The account a stop acts on: the vault/sub-account when one is traded for, else the account.
 * Lower case, so every party derives the same queue name.
 */
export function actingAccount(account: string, vaultAddress?: string | null): string {
  return (vaultAddress || account).toLowerCase();
}

/**
 * The task queue of the stop activities for one account: `<stop queue>-<account lower case>`.
 * Only a stop worker configured for that account polls it, so no other worker can act on it.
 */
export function stopActivityQueue(stopQueue: string, account: string, vaultAddress?: string | null): string {
  return `${stopQueue}-${actingAccount(account, vaultAddress)}`;
}

/** The queue of the alert deliveries, served by every stop worker (an alert about a missing worker must still go out). */
export function alertQueue(stopQueue: string): string {
  return `${stopQueue}-alerts`;
}

/** Round `round`'s widening beyond the book price, bps: doubles from aggressionBps up to maxSlippageBps. */
export function wideningBps(round: number, o: Pick<ResolvedStopOptions, 'aggressionBps' | 'maxSlippageBps'>): number {
  const raw = o.aggressionBps * Math.pow(2, Math.max(0, Math.min(30, round - 1)));
  return Math.min(o.maxSlippageBps, raw);
}

/** What the venue says, as the stop activities read it (sizes are the venue's decimal strings). */
export interface VenueSnapshot {
  positions: PositionView[];
  openOrders: { coin: string; oid: number }[];
}

/** "0", "0.0", "-0.000" are all zero; anything unparsable is NOT zero (fail closed). */
export function isZeroSize(szi: string): boolean {
  return /^[+-]?0*(\.0*)?$/.test(szi) && /\d/.test(szi);
}

export function openPositions(s: VenueSnapshot): PositionView[] {
  return s.positions.filter((p) => !isZeroSize(p.szi));
}

/** Flat = every position size 0 and no open order, both read from the venue. */
export function isFlat(s: VenueSnapshot): boolean {
  return openPositions(s).length === 0 && s.openOrders.length === 0;
}

export type NextStep = { kind: 'done' } | { kind: 'retry'; waitMs: number; stuck: boolean };

/**
 * After confirm round `round`: done when flat; else the next round after the fast backoff, or,
 * once the fast rounds are spent, at the slow cadence — forever: the stop never gives up while
 * exposure remains (an operator may abandon it). `stuck` = the fast rounds are spent.
 */
export function afterConfirm(flat: boolean, round: number, o: ResolvedStopOptions): NextStep {
  if (flat) return { kind: 'done' };
  if (round < o.fastRounds) return { kind: 'retry', waitMs: backoffMs(round, o), stuck: false };
  return { kind: 'retry', waitMs: o.slowRoundMs, stuck: true };
}

/** A "still not flat" alert is sent when none went out in the last alertMinIntervalMs. */
export function alertDue(now: number, lastAlertAt: number, o: Pick<ResolvedStopOptions, 'alertMinIntervalMs'>): boolean {
  return now - lastAlertAt >= o.alertMinIntervalMs;
}

/**
 * Flat may be declared only when nothing the hot path signed before the trigger can still land,
 * judged for the venue read that showed flat (`readAt`, workflow time when it was issued): the
 * hot path had answered — before that read — that its latch is engaged and its in-flight posts
 * are answered; or (host gone, or it could not say) the longest expiresAfter it may have used had
 * passed since the trigger when the read was issued. A read issued earlier proves nothing: an
 * order answered just before the latch answer may have landed after it.
 * `waitMs` = how long at most to wait before confirming again (the latch answer may come sooner).
 */
export function flatDeclarable(
  latch: { latch: 'engaged' | 'host-gone'; inFlightAnswered: boolean; at: number } | null,
  readAt: number,
  triggeredAt: number,
  o: Pick<ResolvedStopOptions, 'hotPathExpiresAfterMs'>,
): { declarable: boolean; waitMs: number } {
  if (latch && latch.latch === 'engaged' && latch.inFlightAnswered) {
    return latch.at <= readAt ? { declarable: true, waitMs: 0 } : { declarable: false, waitMs: 0 };
  }
  const left = triggeredAt + o.hotPathExpiresAfterMs - readAt;
  // Not answered yet: wait for the answer (bounded by the latch timeout) — a hot path that has not
  // latched may still sign, whatever the clock says.
  if (latch === null) return { declarable: false, waitMs: Math.max(left, 50) };
  return left <= 0 ? { declarable: true, waitMs: 0 } : { declarable: false, waitMs: left };
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function signedSize(szi: string): string {
  return szi.startsWith('-') ? `\u2212${szi.slice(1)}` : szi;
}

/** Activity summaries shown in the Temporal UI, one line each. */
export const summaries = {
  latch: (reason: string) => `engage hot-path latch (${reason})`,
  read: (attempt: number) => (attempt === 0 ? 'read venue state' : `read venue state (round ${attempt})`),
  cancel: (n: number) => `cancel ${plural(n, 'open order')}`,
  /** `flatten BTC −0.5 @ IOC`: the position being closed (the order's side is the opposite). */
  flatten: (p: PositionView) => `flatten ${p.coin} ${signedSize(p.szi)} @ IOC`,
  confirm: (attempt: number, expectLeft: number) =>
    `confirm flat (round ${attempt}): ` +
    (expectLeft < 0 ? 'positions unknown before flatten' : expectLeft === 0 ? 'expect none left' : `${plural(expectLeft, 'position')} left before flatten`),
  confirmResult: (s: VenueSnapshot) => {
    const left = openPositions(s).length;
    const oo = s.openOrders.length;
    if (left === 0 && oo === 0) return 'confirm flat: 0 positions, 0 open orders';
    return `confirm flat: ${plural(left, 'position')} left` + (oo > 0 ? `, ${plural(oo, 'open order')}` : '');
  },
  backoff: (s: VenueSnapshot, waitMs: number) => `${summaries.confirmResult(s)} — retry in ${waitMs} ms`,
  alert: (outcome: string, attempts: number, left: number) =>
    outcome === 'STOPPED_FLAT'
      ? `alert: STOPPED_FLAT after ${plural(attempts, 'round')}`
      : `ALERT: ${outcome} after ${plural(attempts, 'round')}, ${plural(left, 'position')} left`,
  waitingWorker: (queue: string, waitedMs: number) => `no stop worker polls ${queue}: waiting (${Math.round(waitedMs / 1000)} s so far)`,
  stuck: (round: number, s: VenueSnapshot | null, nextMs: number) =>
    `STOP_STUCK: not flat after ${plural(round, 'round')}` + (s ? ` (${summaries.confirmResult(s).replace('confirm flat: ', '')})` : '') + ` — next round in ${Math.round(nextMs / 1000)} s`,
};
