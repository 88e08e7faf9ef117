/**
 * The fleet as text: one row per session (pure; the CLI puts the lines on a terminal or a pipe).
 */
import type { SessionState } from '../../workflows/messages';
import { isZeroSize } from '../orchestration/stop-plan';
import type { FleetSession } from './client';

export interface FleetRow {
  sessionId: string;
  account: string;
  phase: string;
  positions: { coin: string; szi: string }[];
  /** from the hot path's status file when it runs on this machine, else the last checkpoint's */
  pnlUsd?: string;
  pnlFrom?: 'hot path' | 'checkpoint';
  lastHardStop?: { reason: string; source: string; at: number };
  /** last step of the current or last stop */
  step?: string;
  reachable: boolean;
}

export interface HotFigures {
  pnlUsd: string;
  positions: { coin: string; szi: string }[];
}

export function fleetRow(s: FleetSession, st: SessionState | null, hot: HotFigures | null): FleetRow {
  const cp = st?.checkpoints[st.checkpoints.length - 1];
  const pnl = hot ? { pnlUsd: hot.pnlUsd, pnlFrom: 'hot path' as const } : cp ? { pnlUsd: cp.figures.pnlCumulativeUsd, pnlFrom: 'checkpoint' as const } : {};
  const hs = st?.hardStop ?? st?.laterHardStops[st.laterHardStops.length - 1];
  return {
    sessionId: s.sessionId,
    account: st?.account ?? s.account,
    phase: st?.phase ?? s.phase,
    positions: (hot?.positions ?? st?.positions ?? []).filter((p) => !isZeroSize(p.szi)),
    ...pnl,
    ...(hs ? { lastHardStop: { reason: hs.reason, source: hs.source, at: hs.at } } : lastStopAsHardStop(st)),
    ...(st && st.stepsDone.length ? { step: st.stepsDone[st.stepsDone.length - 1] } : {}),
    reachable: st !== null,
  };
}

/** After a resume the HardStop is cleared; the last stop record still says what it was. */
function lastStopAsHardStop(st: SessionState | null): Pick<FleetRow, 'lastHardStop'> {
  const last = st?.stops[st.stops.length - 1];
  return last ? { lastHardStop: { reason: last.reason, source: `stop ${last.n}`, at: last.startedAt } } : {};
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}
const shortAccount = (a: string) => (a.length > 12 ? `${a.slice(0, 6)}…${a.slice(-4)}` : a);
const positionsText = (ps: { coin: string; szi: string }[]) => (ps.length ? ps.map((p) => `${p.coin} ${p.szi}`).join(', ') : 'flat');
const time = (ms: number) => new Date(ms).toISOString().slice(11, 19);

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : pad(c, widths[i]))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

/** `hlx fleet status`: session, account, phase, positions, pnl, last HardStop. */
export function renderFleet(rows: FleetRow[], at: number): string[] {
  const phases = new Map<string, number>();
  for (const r of rows) phases.set(r.phase, (phases.get(r.phase) ?? 0) + 1);
  const head = `hl-executor fleet  ${time(at)}  ${rows.length} session(s)` + (rows.length ? `: ${[...phases].map(([p, n]) => `${n} ${p}`).join(', ')}` : '');
  const body = table(
    ['SESSION', 'ACCOUNT', 'PHASE', 'POSITIONS', 'PNL USD', 'LAST HARDSTOP'],
    rows.map((r) => [
      r.sessionId,
      shortAccount(r.account),
      r.reachable ? r.phase : `${r.phase} (no answer)`,
      positionsText(r.positions),
      r.pnlUsd === undefined ? '-' : `${r.pnlUsd}${r.pnlFrom === 'checkpoint' ? ' @cp' : ''}`,
      r.lastHardStop ? `${r.lastHardStop.reason} (${r.lastHardStop.source}) ${time(r.lastHardStop.at)}` : '-',
    ]),
  );
  return [head, '', ...(rows.length ? body : ['(no running session in this scope)'])];
}

/** The table `hlx hardstop` prints while a scope goes flat: session, phase, positions left, last step. */
export function renderStopProgress(rows: FleetRow[], at: number, title: string): string[] {
  const flat = rows.filter((r) => r.phase === 'STOPPED_FLAT').length;
  const failed = rows.filter((r) => r.phase === 'STOP_FAILED').length;
  const head = `${title}  ${time(at)}  ${flat}/${rows.length} flat` + (failed ? `, ${failed} STOP FAILED` : '');
  const body = table(
    ['SESSION', 'PHASE', 'POSITIONS LEFT', 'STEP'],
    rows.map((r) => [r.sessionId, r.reachable ? r.phase : `${r.phase} (no answer)`, positionsText(r.positions), r.step ?? '']),
  );
  return [head, ...body];
}
