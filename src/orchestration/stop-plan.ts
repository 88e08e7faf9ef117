/**
 * The stop sequence's decisions as pure functions: option defaults, backoff, what counts as flat,
 * and the one-line activity summaries the Temporal UI shows. The workflow
 * (workflows/stop-sequence.ts) is a thin shell over these.
 * Pure: no Node built-ins, no I/O, no clock.
 */
import type { PositionView, StopOptions } from '../../workflows/messages';

export interface ResolvedStopOptions {
  maxFlattenAttempts: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
  backoffFactor: number;
  latchTimeoutMs: number;
  aggressionBps: number;
  activityTimeoutMs: number;
  stopTaskQueue?: string;
}

export const STOP_DEFAULTS: ResolvedStopOptions = {
  maxFlattenAttempts: 6,
  backoffInitialMs: 200,
  backoffMaxMs: 3_000,
  backoffFactor: 2,
  // A live hot path answers in milliseconds; this bounds the wait when its host is gone.
  latchTimeoutMs: 1_000,
  // IOC must cross: 2% through the mark leaves room for a fast market without being absurd.
  aggressionBps: 200,
  activityTimeoutMs: 10_000,
};

function posInt(v: unknown, fallback: number, min = 1): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= min ? Math.floor(v) : fallback;
}

export function resolveStopOptions(o: StopOptions | undefined): ResolvedStopOptions {
  const r: ResolvedStopOptions = {
    maxFlattenAttempts: posInt(o?.maxFlattenAttempts, STOP_DEFAULTS.maxFlattenAttempts),
    backoffInitialMs: posInt(o?.backoffInitialMs, STOP_DEFAULTS.backoffInitialMs, 0),
    backoffMaxMs: posInt(o?.backoffMaxMs, STOP_DEFAULTS.backoffMaxMs, 0),
    backoffFactor: typeof o?.backoffFactor === 'number' && o.backoffFactor >= 1 ? o.backoffFactor : STOP_DEFAULTS.backoffFactor,
    latchTimeoutMs: posInt(o?.latchTimeoutMs, STOP_DEFAULTS.latchTimeoutMs, 50),
    aggressionBps: posInt(o?.aggressionBps, STOP_DEFAULTS.aggressionBps, 1),
    activityTimeoutMs: posInt(o?.activityTimeoutMs, STOP_DEFAULTS.activityTimeoutMs, 100),
  };
  if (o?.stopTaskQueue) r.stopTaskQueue = o.stopTaskQueue;
  return r;
}

/** The wait before flatten round `attempt + 1` (attempt counts from 1), capped. */
export function backoffMs(attempt: number, o: ResolvedStopOptions): number {
  const raw = o.backoffInitialMs * Math.pow(o.backoffFactor, Math.max(0, attempt - 1));
  return Math.min(o.backoffMaxMs, Math.round(raw));
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

export type NextStep = { kind: 'done' } | { kind: 'retry'; waitMs: number } | { kind: 'give-up' };

/** After confirm round `attempt`: done when flat, else retry with backoff until attempts run out. */
export function afterConfirm(flat: boolean, attempt: number, o: ResolvedStopOptions): NextStep {
  if (flat) return { kind: 'done' };
  if (attempt >= o.maxFlattenAttempts) return { kind: 'give-up' };
  return { kind: 'retry', waitMs: backoffMs(attempt, o) };
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
      : `ALERT: STOP_FAILED after ${plural(attempts, 'round')}, ${plural(left, 'position')} left`,
};
