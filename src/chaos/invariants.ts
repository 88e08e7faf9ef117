/**
 * The seven invariants of issue #12, as pure functions of what a schedule collected
 * (records.ts). Each returns the violations it finds, with the ledger lines that show them.
 * Ground truth is the venue's ledger; the workflows' histories say what Temporal believed and
 * when; the hot paths' status files say what each process believed.
 */
import Decimal from 'decimal.js';
import type { LedgerAction, LedgerOrder } from '../sim/ledger';
import type { AccountRecord, ChaosRecords, SessionRecord, Violation } from './records';
import { actionsOf, describePositions, fillsOf, ledgerLine, netPnlBefore, openOrdersAt, positionsAt } from './venue-history';

const STOPPING = new Set(['HARD_STOP', 'FLATTENING']);
const STOPPED = new Set(['STOPPED_FLAT', 'STOP_FAILED']);
/** how long a venue fill may take to reach the hot path's RiskMonitor (inv 5), ms */
export const FILL_DELIVERY_GRACE_MS = 250;
/** HardStop sources that latch the hot path before they signal the workflow */
const HOT_PATH_SOURCES = new Set(['risk-monitor', 'ctrl-c']);

/** An accepted order that can add exposure: not reduce-only, and the venue rested or filled it. */
function openingOrders(a: LedgerAction): LedgerOrder[] {
  if (!a.accepted || !a.orders) return [];
  return a.orders.filter((o) => !o.reduceOnly && o.outcome !== 'error');
}

function sessionOf(r: ChaosRecords, acct: AccountRecord): SessionRecord | undefined {
  return r.sessions.find((s) => s.sessionId === acct.sessionId);
}

/** [from, to) intervals, `to` = Infinity when open-ended. */
interface Interval {
  from: number;
  to: number;
  why: string;
}

/** The phase timeline as intervals where `pred(phase)` holds. */
function phaseIntervals(s: SessionRecord, pred: (phase: string) => boolean): Interval[] {
  const out: Interval[] = [];
  const ph = [...s.phases].sort((a, b) => a.at - b.at);
  for (let i = 0; i < ph.length; i++) {
    if (!pred(ph[i]!.phase)) continue;
    let j = i + 1;
    while (j < ph.length && pred(ph[j]!.phase)) j++;
    out.push({ from: ph[i]!.at, to: j < ph.length ? ph[j]!.at : Infinity, why: `phase ${ph[i]!.phase} from ${ph[i]!.at}` });
    i = j - 1;
  }
  return out;
}

// -------------------------------------------------------------------------------- 1

/** 1. No opening order signed (nonce) after its session's HardStop trigger was accepted, until an operator resume. */
export function noOpeningAfterTrigger(r: ChaosRecords): Violation[] {
  const out: Violation[] = [];
  for (const acct of r.accounts) {
    const s = sessionOf(r, acct);
    if (!s) continue;
    // the trigger is the latch; a signal from the hot path itself (its RiskMonitor, Ctrl+C) came
    // after its latch, so its time bounds the latch's when the process died before its status was read
    const triggers = [
      ...s.latches.map((l) => ({ at: l.at, why: `latch ${l.reason}/${l.source} in pid ${l.pid} at ${l.at}` })),
      ...s.hardStops.filter((h) => HOT_PATH_SOURCES.has(h.source)).map((h) => ({ at: h.at, why: `hardStop signal ${h.reason}/${h.source} at ${h.at}` })),
    ];
    const resumes = s.resumes.map((x) => x.at).sort((a, b) => a - b);
    const intervals: Interval[] = triggers.map((t) => ({ from: t.at, to: resumes.find((x) => x > t.at) ?? Infinity, why: t.why }));
    for (const a of actionsOf(r.ledger, acct.address)) {
      if (a.nonce === null || openingOrders(a).length === 0) continue;
      const hit = intervals.find((iv) => a.nonce! > iv.from && a.nonce! < iv.to);
      if (hit) {
        out.push({ invariant: 1, account: acct.address, message: `opening order signed at ${a.nonce} (accepted ${a.at}) after HardStop trigger: ${hit.why}`, evidence: [ledgerLine(a)] });
      }
    }
  }
  return out;
}

// -------------------------------------------------------------------------------- 2

function flatAt(r: ChaosRecords, account: string, t: number): { flat: boolean; what: string } {
  const pos = positionsAt(r.ledger, account, t);
  const open = openOrdersAt(r.ledger, account, t);
  return { flat: pos.size === 0 && open.length === 0, what: `${describePositions(pos)}; ${open.length} open orders${open.length ? ` (${open.map((o) => `${o.coin}#${o.oid}`).join(', ')})` : ''}` };
}

/** 2. Every HardStop ends flat at the venue; STOPPED_FLAT only while the venue is flat; a stop never touches another account. */
export function stopsEndFlat(r: ChaosRecords): Violation[] {
  const out: Violation[] = [];
  for (const acct of r.accounts) {
    const s = sessionOf(r, acct);
    if (!s) continue;
    for (const stop of s.stops) {
      if (!stop.outcome) {
        out.push({ invariant: 2, account: acct.address, message: `stop ${stop.workflowId} never finished (started ${stop.startedAt})`, evidence: [] });
        continue;
      }
      if (stop.outcome !== 'STOPPED_FLAT') {
        out.push({ invariant: 2, account: acct.address, message: `stop ${stop.workflowId} ended ${stop.outcome}, remaining ${JSON.stringify(stop.remaining ?? [])}`, evidence: [`venue at its end: ${flatAt(r, acct.address, stop.endedAt ?? r.endedAt).what}`] });
        continue;
      }
      const t = stop.flatConfirmedAt ?? stop.endedAt ?? r.endedAt;
      const f = flatAt(r, acct.address, t);
      if (!f.flat) out.push({ invariant: 2, account: acct.address, message: `stop ${stop.workflowId} confirmed flat at ${t} but the venue had ${f.what}`, evidence: fillsOf(r.ledger, acct.address).filter((x) => x.at <= t).slice(-6).map(ledgerLine) });
    }
    for (const iv of phaseIntervals(s, (p) => p === 'STOPPED_FLAT')) {
      const f = flatAt(r, acct.address, iv.from);
      if (!f.flat) out.push({ invariant: 2, account: acct.address, message: `session STOPPED_FLAT at ${iv.from} while the venue had ${f.what}`, evidence: fillsOf(r.ledger, acct.address).filter((x) => x.at <= iv.from).slice(-6).map(ledgerLine) });
      const during = r.ledger.filter((e) => (e.kind === 'fill' || (e.kind === 'order' && e.status === 'open')) && e.account === acct.address && e.at > iv.from && e.at < iv.to);
      if (during.length > 0) out.push({ invariant: 2, account: acct.address, message: `venue not flat while the session was STOPPED_FLAT (${iv.from}..${iv.to}): ${during.length} fills/new resting orders`, evidence: during.slice(0, 6).map(ledgerLine) });
    }
    for (const stop of s.stops) {
      const foreign = stop.activityIdentities.filter((id) => r.stopWorkerAccounts[id] && r.stopWorkerAccounts[id] !== acct.address);
      if (foreign.length > 0) {
        out.push({ invariant: 2, account: acct.address, message: `stop ${stop.workflowId} of ${acct.address} ran activities on the stop worker of another account: ${[...new Set(foreign)].map((id) => `${id} (${r.stopWorkerAccounts[id]})`).join(', ')}`, evidence: [] });
      }
    }
    // the stop worker's own actions on this account, outside every stop of this account's session
    const windows = (s.stops ?? []).map((x) => ({ from: x.startedAt - 500, to: (x.endedAt ?? Infinity) + 500 }));
    const stray = actionsOf(r.ledger, acct.address).filter((a) => a.signer === acct.stopSigner && !windows.some((w) => a.at >= w.from && a.at <= w.to));
    if (stray.length > 0) out.push({ invariant: 2, account: acct.address, message: `${stray.length} stop-worker actions on ${acct.address} while no stop of its session ran (another session's stop touched it)`, evidence: stray.slice(0, 6).map(ledgerLine) });
  }
  return out;
}

// -------------------------------------------------------------------------------- 3

/** 3. At quiescence each hot path's positions equal the venue's; every fill counted exactly once. */
export function positionsAgree(r: ChaosRecords): Violation[] {
  const out: Violation[] = [];
  for (const acct of r.accounts) {
    const q = r.quiescence.find((x) => x.account === acct.address);
    const venue = positionsAt(r.ledger, acct.address, r.endedAt);
    if (!q || q.hotPathPositions === null) {
      out.push({ invariant: 3, account: acct.address, message: `no hot-path status written after the last venue fill (venue: ${describePositions(venue)})`, evidence: [] });
      continue;
    }
    const mine = new Map<string, Decimal>();
    for (const p of q.hotPathPositions) if (!new Decimal(p.szi).isZero()) mine.set(p.coin, new Decimal(p.szi));
    const coins = new Set([...mine.keys(), ...venue.keys()]);
    const diff = [...coins].filter((c) => !(mine.get(c) ?? new Decimal(0)).equals(venue.get(c) ?? new Decimal(0)));
    if (diff.length > 0) {
      out.push({ invariant: 3, account: acct.address, message: `hot path (pid ${q.pid}, status at ${q.statusAt}) holds ${describePositions(mine)}, the venue ${describePositions(venue)}`, evidence: fillsOf(r.ledger, acct.address).filter((f) => diff.includes(f.coin)).slice(-6).map(ledgerLine) });
    }
  }
  for (const f of r.fillsSeen) {
    if (f.multiplicity > 1) out.push({ invariant: 3, message: `hot path pid ${f.pid} counted fill ${f.coin}:${f.tid} ${f.multiplicity} times`, evidence: r.ledger.filter((e) => e.kind === 'fill' && e.coin === f.coin && e.tid === f.tid).map(ledgerLine) });
  }
  return out;
}

// -------------------------------------------------------------------------------- 4

/** 4. MaxPosition per market and in total never exceeded at the venue by the executor's orders (marks at acceptance). */
export function maxPositionHolds(r: ChaosRecords): Violation[] {
  const out: Violation[] = [];
  for (const acct of r.accounts) {
    const perMarket = new Decimal(acct.limits.maxNotionalPerMarketUsd);
    const total = new Decimal(acct.limits.maxNotionalTotalUsd);
    for (const a of actionsOf(r.ledger, acct.address)) {
      if (a.signer === acct.stopSigner || openingOrders(a).length === 0 || !a.positionsAfter) continue;
      let sum = new Decimal(0);
      const over: string[] = [];
      for (const [coin, szi] of Object.entries(a.positionsAfter)) {
        const mark = a.marks?.[coin];
        if (!mark) continue;
        const n = new Decimal(szi).abs().times(mark);
        sum = sum.plus(n);
        if (n.greaterThan(perMarket) && openingOrders(a).some((o) => o.coin === coin)) over.push(`${coin} ${n.toFixed(2)} USD > ${perMarket} per market`);
      }
      if (sum.greaterThan(total)) over.push(`total ${sum.toFixed(2)} USD > ${total}`);
      if (over.length > 0) out.push({ invariant: 4, account: acct.address, message: `after the order accepted at ${a.at}: ${over.join('; ')}`, evidence: [ledgerLine(a)] });
    }
  }
  return out;
}

// -------------------------------------------------------------------------------- 5

/**
 * 5. Loss limits hold across restarts and resumes: no opening order is accepted once the
 * account's realized loss net of fees (the venue's own fills since the schedule began) has
 * reached risk.maxCumulativeLossUsd. A restart or a resume does not give the budget back.
 */
export function lossLimitHolds(r: ChaosRecords): Violation[] {
  const out: Violation[] = [];
  for (const acct of r.accounts) {
    const limit = new Decimal(acct.limits.maxCumulativeLossUsd).negated();
    for (const a of actionsOf(r.ledger, acct.address)) {
      if (a.signer === acct.stopSigner || openingOrders(a).length === 0) continue;
      // the loss the hot path could know when it signed: fills older than the signing time by
      // more than the feed's delivery grace (a fill landing in the same instant is a race, not a reset)
      const knownAt = (a.nonce ?? a.at) - FILL_DELIVERY_GRACE_MS;
      const pnl = netPnlBefore(r.ledger, acct.address, knownAt);
      if (pnl.lessThanOrEqualTo(limit)) {
        out.push({ invariant: 5, account: acct.address, message: `opening order signed at ${a.nonce} (accepted ${a.at}) with the account's net pnl already ${pnl.toFixed(6)} ≤ −${acct.limits.maxCumulativeLossUsd} at the venue ${FILL_DELIVERY_GRACE_MS} ms before`, evidence: [ledgerLine(a)] });
        break; // the first one says it; the rest follow from it
      }
    }
  }
  return out;
}

// -------------------------------------------------------------------------------- 6

/** 6. While the workflow says stopping or stopped (after the hot path's phase poll), no new opening order is accepted. */
export function noOpeningWhileStopped(r: ChaosRecords): Violation[] {
  const out: Violation[] = [];
  for (const acct of r.accounts) {
    const s = sessionOf(r, acct);
    if (!s) continue;
    const ivs = phaseIntervals(s, (p) => STOPPING.has(p) || STOPPED.has(p));
    for (const a of actionsOf(r.ledger, acct.address)) {
      if (a.nonce === null || openingOrders(a).length === 0) continue;
      const hit = ivs.find((iv) => a.nonce! >= iv.from + r.phaseGraceMs && a.nonce! < iv.to);
      if (hit) out.push({ invariant: 6, account: acct.address, message: `opening order signed at ${a.nonce} (accepted ${a.at}) while the workflow said ${hit.why}`, evidence: [ledgerLine(a)] });
    }
  }
  return out;
}

// -------------------------------------------------------------------------------- 7

/** 7. The private keys appear nowhere: logs, outputs, status files, history payloads. */
export function keysNeverLeak(r: ChaosRecords): Violation[] {
  const out: Violation[] = [];
  for (const secret of r.secrets) {
    const hex = secret.value.toLowerCase().replace(/^0x/, '');
    if (hex.length < 32) continue;
    for (const t of r.texts) {
      if (t.text.toLowerCase().includes(hex)) out.push({ invariant: 7, message: `the private key of ${secret.label} appears in ${t.source}`, evidence: [] });
    }
  }
  return out;
}

export const INVARIANTS = [noOpeningAfterTrigger, stopsEndFlat, positionsAgree, maxPositionHolds, lossLimitHolds, noOpeningWhileStopped, keysNeverLeak] as const;

export const INVARIANT_NAMES: Record<Violation['invariant'], string> = {
  1: 'no opening order signed after the HardStop trigger accepted',
  2: 'every HardStop ends flat; STOPPED_FLAT only when flat; a stop touches only its account',
  3: 'hot-path positions equal the venue at quiescence; every fill counted once',
  4: 'MaxPosition per market and in total never exceeded',
  5: 'loss limits hold across restarts and resumes',
  6: 'no opening order accepted while the workflow says stopping/stopped',
  7: 'the private keys appear nowhere',
};

export function checkAll(r: ChaosRecords): Violation[] {
  return INVARIANTS.flatMap((f) => f(r));
}
