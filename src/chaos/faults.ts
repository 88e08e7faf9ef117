/**
 * Applying one fault of a schedule to the running stack: the simulator's admin API, SIGKILL and
 * restart of a process, a Temporal server restart, and HardStops and resumes the way an operator
 * gives them (`hlx hardstop`, `temporal workflow signal`, Ctrl+C on the hot path, `hlx resume`).
 * Faults with a duration switch themselves off; every promise settles.
 */
import type { RunningSimulator } from '../sim';
import type { SessionState } from '../../workflows/messages';
import { baseEnv, killAndWait, runCommand, runHlx, type CliResult, type ProcessEnv } from './processes';
import type { Slot } from './run-schedule';
import type { FaultEvent, HardStopSource } from './schedule';
import { TEMPORAL_CLI } from './temporal-server';

export interface FaultDeps {
  sim: RunningSimulator;
  pe: ProcessEnv;
  accounts: { address: string; sessionId: string }[];
  slots: Record<'hotpath' | 'stop', Slot[]>;
  note(line: string): void;
  cliTexts: { source: string; text: string }[];
  query(i: number): Promise<SessionState | null>;
  restartTemporal(downMs: number): Promise<void>;
  /** the hardStop signal and the resume update sent from this process's Temporal client (as the Web UI sends them): no CLI start-up delay, so "during" lands when meant */
  signalNow(i: number, req: { reason: string; source: string }): Promise<void>;
  resumeNow(i: number, note: string): Promise<string>;
  temporalAddress: string;
  namespace: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const num = (v: unknown) => Number(v);

function record(d: FaultDeps, what: string, r: CliResult): CliResult {
  d.cliTexts.push({ source: what, text: `${r.stdout}\n${r.stderr}` });
  const last = (r.stdout.trim() || r.stderr.trim()).split('\n').pop() ?? '';
  d.note(`${what}: exit ${r.code}${last ? ` — ${last.slice(0, 160)}` : ''}`);
  return r;
}

export async function hardStop(d: FaultDeps, i: number, source: HardStopSource): Promise<void> {
  const a = d.accounts[i]!;
  if (source === 'cli') {
    record(d, `hlx hardstop (account ${i})`, await runHlx(d.pe, ['hardstop', '--reason', 'chaos: operator', '--session-id', a.sessionId, '--no-wait'], 30_000));
  } else if (source === 'temporal-cli') {
    const input = JSON.stringify({ reason: 'Operator', source: 'temporal-cli' });
    const args = ['workflow', 'signal', '--address', d.temporalAddress, '--namespace', d.namespace, '--workflow-id', a.sessionId, '--name', 'hardStop', '--input', input, '--disable-config-env', '--disable-config-file'];
    record(d, `temporal workflow signal hardStop (account ${i})`, await runCommand(TEMPORAL_CLI, args, baseEnv(d.pe), 30_000));
  } else {
    const slot = d.slots.hotpath[i]!;
    if (slot.proc?.alive()) {
      // Ctrl+C: HardStop(Operator, ctrl-c), the worker waits for flat and exits; the operator
      // starts it again only to resume
      slot.wanted = false;
      slot.proc.child.kill('SIGINT');
      d.note(`Ctrl+C to hot path ${i} (pid ${slot.proc.pid})`);
    } else {
      d.note(`Ctrl+C to hot path ${i}: not running`);
    }
  }
}

export async function resume(d: FaultDeps, i: number, waitMs: number): Promise<void> {
  const until = Date.now() + waitMs;
  let s = await d.query(i);
  while (s?.phase !== 'STOPPED_FLAT' && Date.now() < until) {
    await sleep(200);
    s = await d.query(i);
  }
  const slot = d.slots.hotpath[i]!;
  if (!slot.wanted) {
    slot.wanted = true; // the operator starts the hot path again to resume it
    slot.downUntil = 0;
  }
  record(d, `hlx resume (account ${i}, phase ${s?.phase ?? 'unknown'})`, await runHlx(d.pe, ['resume', '--note', 'chaos: operator resume', '--session-id', d.accounts[i]!.sessionId], 30_000));
}

async function uiHardStop(d: FaultDeps, i: number): Promise<void> {
  try {
    await d.signalNow(i, { reason: 'Operator', source: 'temporal-ui' });
    d.note(`hardStop signal (temporal-ui) to account ${i}: sent`);
  } catch (e) {
    d.note(`hardStop signal (temporal-ui) to account ${i}: ${(e as Error).message}`);
  }
}

async function uiResume(d: FaultDeps, i: number): Promise<void> {
  const slot = d.slots.hotpath[i]!;
  if (!slot.wanted) {
    slot.wanted = true;
    slot.downUntil = 0;
  }
  try {
    d.note(`resume (temporal-ui) account ${i}: ${await d.resumeNow(i, 'chaos: operator resume (ui)')}`);
  } catch (e) {
    d.note(`resume (temporal-ui) account ${i}: refused: ${(e as Error).message.slice(0, 160)}`);
  }
}

async function kill(d: FaultDeps, role: 'hotpath' | 'stop', i: number, restartAfterMs: number): Promise<void> {
  const slot = d.slots[role][i]!;
  const p = slot.proc;
  if (!p?.alive()) {
    d.note(`SIGKILL ${role} ${i}: not running`);
    return;
  }
  slot.downUntil = Date.now() + restartAfterMs;
  slot.killed.add(p.pid);
  await killAndWait(p, 'SIGKILL');
  d.note(`SIGKILL ${role} ${i} (pid ${p.pid}); restart in ${restartAfterMs} ms`);
}

/** A switch on for `forMs`, then off again. */
async function during(forMs: number, on: () => void, off: () => void): Promise<void> {
  on();
  await sleep(forMs);
  off();
}

export async function applyFault(ev: FaultEvent, d: FaultDeps): Promise<void> {
  const p = ev.params;
  const i = ev.account ?? 0;
  const admin = d.sim.admin;
  switch (ev.kind) {
    case 'dropSockets':
      admin.dropSockets();
      return;
    case 'silence':
      admin.silence(num(p.ms));
      return;
    case 'http429':
      admin.http429(num(p.n));
      return;
    case 'latency':
      return during(num(p.forMs), () => admin.latency(num(p.ms)), () => admin.latency(0));
    case 'partialFills':
      return during(num(p.forMs), () => admin.partialFills(num(p.fraction)), () => admin.partialFills(false));
    case 'duplicateFills':
      return during(num(p.forMs), () => admin.duplicateFills(true), () => admin.duplicateFills(false));
    case 'reorderFills':
      return during(num(p.forMs), () => admin.reorderFills(true), () => admin.reorderFills(false));
    case 'rejectBurst':
      admin.rejectNext(num(p.n), String(p.error));
      return;
    case 'priceShock':
    case 'priceGap':
      admin.shock(String(p.coin), num(p.pct));
      return;
    case 'thinBook':
      return during(num(p.forMs), () => admin.ioSlippage(num(p.bps)), () => admin.ioSlippage(0));
    case 'killHotPath':
      return kill(d, 'hotpath', i, num(p.restartAfterMs));
    case 'killStopWorker':
      return kill(d, 'stop', i, num(p.restartAfterMs));
    case 'restartTemporal':
      await d.restartTemporal(num(p.downMs));
      d.note('Temporal dev server back (same database)');
      return;
    case 'hardStop':
      return hardStop(d, i, p.source as HardStopSource);
    // the "during" faults need their timing: the signals and the resume go from this process's
    // client (what the Web UI sends) instead of a CLI that takes seconds to start on a busy machine
    case 'hardStopDuringReconnect':
      admin.dropSockets();
      await sleep(num(p.delayMs));
      return uiHardStop(d, i);
    case 'hardStopDuringResume': {
      const r = uiResume(d, i);
      await sleep(num(p.delayMs));
      await Promise.all([r, uiHardStop(d, i)]);
      return;
    }
    case 'hardStopDuringStop':
      await uiHardStop(d, i);
      await sleep(num(p.delayMs));
      return p.second === 'ctrl-c' ? hardStop(d, i, 'ctrl-c') : uiHardStop(d, i);
    case 'resume':
      return resume(d, i, num(p.waitMs));
  }
}
