/**
 * The operator's live status view: phase, positions, pnl, gate counters by reason, Go/No-Go
 * verdicts and the last events. On a terminal it redraws in place (ANSI: cursor up, clear line);
 * otherwise (a pipe, a CI log) it prints plain lines — a one-line summary whenever it changes and
 * each new event once — so a log stays readable and grep-able.
 *
 * Rendering is pure (`renderStatus`), the view only decides how to put the lines on the stream.
 */
import type { ExecutionEvent } from '../risk/execution-events';
import { isZeroSize } from '../orchestration/stop-plan';

export interface StatusEventLine {
  at: number;
  text: string;
}

export interface StatusVerdict {
  checkpoint: number;
  verdict: string;
  figures?: { closedTrades?: number; meanEdgeBps?: string; meanSlippageBps?: string; pnlCumulativeUsd?: string };
}

/** Everything the view shows; filled from the session workflow's query and the hot path's status. */
export interface StatusSnapshot {
  at: number;
  sessionId?: string;
  workflowId?: string;
  /** the session workflow's phase (STARTING, READY_TRADING, HARD_STOP, FLATTENING, STOPPED_FLAT, STOP_FAILED) */
  phase: string;
  /** the hot path's own view (READY_TRADING, NOT_READY, HARD_STOPPED) when its worker answers */
  hotPathPhase?: string;
  hardStop?: { reason: string; source?: string; at?: number } | null;
  positions: { coin: string; szi: string }[];
  pnlUsd?: string;
  closedTrades?: number;
  consecutiveLosses?: number;
  exposureUsd?: string;
  gateCounts?: Record<string, number>;
  verdicts?: StatusVerdict[];
  lastEvents: StatusEventLine[];
  /** one-line remarks: "hot path not reachable", a stop-sequence step, … */
  notes?: string[];
}

const ESC = '\u001b[';

function time(ms: number): string {
  return new Date(ms).toISOString().slice(11, 23);
}

/** One line per ExecutionEvent, in the operator's words. */
export function describeEvent(ev: ExecutionEvent): string {
  switch (ev.type) {
    case 'posted':
      return `posted ${ev.count} ${ev.kind}${ev.count === 1 ? '' : 's'} (nonce ${ev.nonce})`;
    case 'rejected':
      return `rejected${ev.coin ? ` ${ev.coin}` : ''}: ${ev.reason}`;
    case 'filled':
      return `fill ${ev.coin} ${ev.side === 'B' ? 'buy' : 'sell'} ${ev.sz} @ ${ev.px}${ev.intendedPx ? ` (intended ${ev.intendedPx})` : ''}`;
    case 'cancelled':
      return `cancelled${ev.coin ? ` ${ev.coin}` : ''}: ${ev.reason}`;
    case 'tradeClosed':
      return `trade closed ${ev.coin}: pnl ${ev.realizedPnlUsd} fees ${ev.feesUsd}`;
    case 'socket':
      return ev.up ? 'socket up' : 'socket DOWN';
  }
}

/** Display only: a long decimal string cut to `places` decimals (bps and USD figures). */
export function shortDecimal(x: string | null | undefined, places = 2): string {
  if (x === null || x === undefined) return '?';
  const m = /^(-?\d+)(?:\.(\d+))?$/.exec(x);
  if (!m || !m[2] || m[2].length <= places) return x;
  return `${m[1]}.${m[2].slice(0, places)}`;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

/** The full view as lines (no ANSI codes; the TTY view adds them). */
export function renderStatus(s: StatusSnapshot, opts: { maxEvents?: number } = {}): string[] {
  const lines: string[] = [];
  const head = [`phase ${s.phase}`];
  if (s.hotPathPhase) head.push(`hot path ${s.hotPathPhase}`);
  if (s.hardStop) head.push(`HardStop ${s.hardStop.reason}${s.hardStop.source ? ` (${s.hardStop.source})` : ''}`);
  lines.push(`hl-executor ${s.sessionId ?? s.workflowId ?? ''}  ${time(s.at)}`.trimEnd());
  lines.push(head.join('  |  '));
  const figures: string[] = [];
  if (s.pnlUsd !== undefined) figures.push(`pnl ${s.pnlUsd} USD`);
  if (s.closedTrades !== undefined) figures.push(`trades ${s.closedTrades}`);
  if (s.consecutiveLosses !== undefined) figures.push(`consecutive losses ${s.consecutiveLosses}`);
  if (s.exposureUsd !== undefined) figures.push(`exposure ${s.exposureUsd} USD`);
  if (figures.length) lines.push(figures.join('  |  '));

  lines.push('');
  lines.push('positions');
  const open = s.positions.filter((p) => !isZeroSize(p.szi));
  if (open.length === 0) lines.push('  (flat)');
  for (const p of open) lines.push(`  ${pad(p.coin, 8)} ${p.szi}`);

  if (s.gateCounts) {
    const nonZero = Object.entries(s.gateCounts).filter(([, n]) => n > 0);
    lines.push('');
    lines.push('gates');
    if (nonZero.length === 0) lines.push('  (no signal yet)');
    for (const [k, n] of nonZero) lines.push(`  ${pad(k, 22)} ${n}`);
  }

  if (s.verdicts && s.verdicts.length) {
    lines.push('');
    lines.push('Go/No-Go');
    for (const v of s.verdicts) {
      const f = v.figures ?? {};
      lines.push(
        `  @${pad(String(v.checkpoint), 4)} ${pad(v.verdict, 6)} edge ${shortDecimal(f.meanEdgeBps)} bps  slippage ${shortDecimal(f.meanSlippageBps)} bps  pnl ${shortDecimal(f.pnlCumulativeUsd, 4)} USD`,
      );
    }
  }

  if (s.notes && s.notes.length) {
    lines.push('');
    for (const n of s.notes) lines.push(`! ${n}`);
  }

  const max = opts.maxEvents ?? 10;
  if (max > 0) {
    lines.push('');
    lines.push('last events');
    const evs = s.lastEvents.slice(-max);
    if (evs.length === 0) lines.push('  (none)');
    for (const e of evs) lines.push(`  ${time(e.at)} ${e.text}`);
  }
  return lines;
}

/** The one-line summary used for plain (non-TTY) output. */
export function summaryLine(s: StatusSnapshot): string {
  const parts = [`phase=${s.phase}`];
  if (s.hotPathPhase) parts.push(`hotPath=${s.hotPathPhase}`);
  if (s.hardStop) parts.push(`hardStop=${s.hardStop.reason}`);
  const open = s.positions.filter((p) => !isZeroSize(p.szi));
  parts.push(`positions=${open.length ? open.map((p) => `${p.coin}:${p.szi}`).join(',') : 'flat'}`);
  if (s.pnlUsd !== undefined) parts.push(`pnl=${s.pnlUsd}`);
  if (s.closedTrades !== undefined) parts.push(`trades=${s.closedTrades}`);
  if (s.gateCounts) {
    const g = Object.entries(s.gateCounts).filter(([, n]) => n > 0);
    if (g.length) parts.push(`gates=${g.map(([k, n]) => `${k}:${n}`).join(',')}`);
  }
  const v = s.verdicts?.[s.verdicts.length - 1];
  if (v) parts.push(`goNoGo@${v.checkpoint}=${v.verdict}`);
  for (const n of s.notes ?? []) parts.push(`note=${JSON.stringify(n)}`);
  return parts.join(' ');
}

/**
 * Draws `lines` over the `drawn` lines of the previous frame (cursor up, clear each line), cut to
 * the terminal's width; returns how many lines are now drawn. Also used by `hlx fleet status`.
 */
export function redrawFrame(out: { write(s: string): unknown; columns?: number }, frame: string[], drawn: number): number {
  const width = Math.max(20, (out.columns || 120) - 1);
  const lines = frame.map((l) => (l.length > width ? l.slice(0, width) : l));
  let buf = drawn > 0 ? `${ESC}${drawn}F` : `${ESC}?25l`;
  for (const l of lines) buf += `${ESC}2K${l}\n`;
  // the new frame may be shorter than the previous one: clear what is left below
  for (let i = lines.length; i < drawn; i++) buf += `${ESC}2K\n`;
  if (drawn > lines.length) buf += `${ESC}${drawn - lines.length}F`;
  out.write(buf);
  return lines.length;
}

/** Shows the cursor again after redrawn frames. */
export function endFrames(out: { write(s: string): unknown }, drawn: number): void {
  if (drawn > 0) out.write(`${ESC}?25h`);
}

export interface StatusViewOptions {
  /** default: the stream's isTTY */
  tty?: boolean;
  maxEvents?: number;
}

export class StatusView {
  private readonly tty: boolean;
  private drawn = 0;
  private lastSummary = '';
  private lastEventAt = -Infinity;
  private lastEventTexts = new Set<string>();

  constructor(
    private readonly out: { write(s: string): unknown; isTTY?: boolean; columns?: number },
    private readonly opts: StatusViewOptions = {},
  ) {
    this.tty = opts.tty ?? Boolean(out.isTTY);
  }

  update(s: StatusSnapshot): void {
    if (this.tty) this.redraw(s);
    else this.plain(s);
  }

  /** Leave the last frame on screen and put the cursor below it. */
  close(): void {
    if (this.tty && this.drawn > 0) this.out.write(`${ESC}?25h`);
    this.drawn = 0;
  }

  private redraw(s: StatusSnapshot): void {
    this.drawn = redrawFrame(this.out, renderStatus(s, { maxEvents: this.opts.maxEvents }), this.drawn);
  }

  private plain(s: StatusSnapshot): void {
    // events first, each once (ordered by time; same-ms events told apart by text)
    for (const e of s.lastEvents) {
      if (e.at < this.lastEventAt) continue;
      const key = `${e.at}|${e.text}`;
      if (e.at === this.lastEventAt && this.lastEventTexts.has(key)) continue;
      if (e.at > this.lastEventAt) {
        this.lastEventAt = e.at;
        this.lastEventTexts = new Set();
      }
      this.lastEventTexts.add(key);
      this.out.write(`${time(e.at)} event ${e.text}\n`);
    }
    const line = summaryLine(s);
    if (line !== this.lastSummary) {
      this.lastSummary = line;
      this.out.write(`${time(s.at)} status ${line}\n`);
    }
  }
}
