/**
 * One chaos schedule against the real stack: a fresh namespace on the shared Temporal dev server,
 * the simulator (in this process, so its ledger is read directly), for each of two accounts a
 * stop worker and a hot-path worker process trading the demo strategy; then the schedule's faults
 * at their offsets, a settle (faults cleared, every process back, every stop finished, a final
 * operator HardStop of both sessions), and the invariants checked over what was collected.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client, type Connection } from '@temporalio/client';
import { Wallet } from 'ethers';
import { parseSessionConfig, type SessionConfig } from '../config/session';
import { approveAgentAction, approveAgentPostAction } from '../exchange/hyperliquid/actions';
import { APPROVE_AGENT_TYPES } from '../exchange/hyperliquid/signing';
import { Signer } from '../exchange/hyperliquid/signer';
import { sessionWorkflowId } from '../orchestration/ids';
import { startSimulator, type RunningSimulator } from '../sim';
import type { LedgerEntry } from '../sim/ledger';
import { hardStopSignal, resumeUpdate, stateQuery, type SessionState } from '../../workflows/messages';
import { applyFault, type FaultDeps } from './faults';
import { collectHistories } from './histories';
import { checkAll } from './invariants';
import { killAndWait, runHlx, spawnHotPath, spawnStopWorker, type CliResult, type ManagedProcess, type ProcessEnv } from './processes';
import type { ChaosRecords, FillSeen, LatchRecord, QuiescenceRecord, Violation } from './records';
import { describeEvent, type AccountPlan, type FaultKind, type Schedule } from './schedule';
import type { ChaosTemporal } from './temporal-server';

export interface ScheduleResult {
  seed: number;
  violations: Violation[];
  /** a bring-up or collection failure (counted as a violation by the runner) */
  error?: string;
  timeline: string[];
  faults: Partial<Record<FaultKind, number>>;
  wallMs: number;
  dir: string;
  ledger: LedgerEntry[];
}

export interface RunContext {
  temporal: ChaosTemporal;
  connection: Connection;
  runDir: string;
  /** 'shared' (temporal.yaml's queues, the default) or 'per-account' task queues */
  queues?: 'shared' | 'per-account';
}

/** How long after the workflow turns stopping the hot path may still sign: its phase poll (500 ms) and one poll of slack. */
const PHASE_GRACE_MS = 1_000;
const BRING_UP_MS = 180_000;

interface AccountSetup {
  index: number;
  key: string;
  address: string;
  agentKey: string;
  agentAddress: string;
  configFile: string;
  config: SessionConfig;
  sessionId: string;
}

export interface Slot {
  proc?: ManagedProcess;
  /** the runner wants it running (false after Ctrl+C until a resume) */
  wanted: boolean;
  /** not before this time (a kill's restart delay) */
  downUntil: number;
  /** pids the runner killed on purpose */
  killed: Set<number>;
}

function sessionConfig(seed: number, i: number, address: string, sim: RunningSimulator, plan: AccountPlan): SessionConfig {
  return parseSessionConfig({
    account: { address },
    venue: { network: 'sim', httpUrl: sim.httpUrl, wsUrl: sim.wsUrl },
    signer: { privateKeyEnv: 'HL_PRIVATE_KEY' },
    markets: ['BTC', 'ETH', 'SOL'],
    strategy: { kind: 'demo', orderNotionalUsd: plan.orderNotionalUsd, holdMs: plan.holdMs, cooldownMs: plan.cooldownMs, aggressionBps: plan.aggressionBps },
    limits: { maxNotionalPerMarketUsd: plan.maxNotionalPerMarketUsd, maxNotionalTotalUsd: plan.maxNotionalTotalUsd },
    risk: {
      maxCumulativeLossUsd: plan.maxCumulativeLossUsd,
      maxConsecutiveLosses: plan.maxConsecutiveLosses,
      rejectBurstCount: plan.rejectBurstCount,
      rejectWindowMs: 10_000,
      maxFillSlippageBps: plan.maxFillSlippageBps,
      maxDisconnectMs: plan.maxDisconnectMs,
    },
    goNoGo: { checkpoints: [{ trades: 100_000, minMeanEdgeBps: -100_000, maxMeanSlippageBps: 100_000, minPnlCumulativeUsd: '-100000' }] },
    executor: { tickIntervalMs: 20 },
    session: { id: `chaos-${seed}-${i}` },
  });
}

/** The master account approves the stop worker's agent wallet, as an operator would in the app. */
function approveAgent(sim: RunningSimulator, masterKey: string, agentAddress: string): void {
  const nonce = Date.now();
  const a = approveAgentAction({ agentAddress, agentName: 'stop', nonce }, { isMainnet: false });
  const signature = Signer.fromPrivateKey(masterKey).signUserSigned({ ...a }, APPROVE_AGENT_TYPES);
  const out = sim.venue.exchange({ action: approveAgentPostAction(a), nonce, signature }, '127.0.0.1');
  const body = out.body as { status?: string };
  if (out.status !== 200 || body?.status !== 'ok') throw new Error(`approveAgent refused: ${JSON.stringify(out.body)}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runSchedule(schedule: Schedule, ctx: RunContext): Promise<ScheduleResult> {
  const t0 = Date.now();
  const seed = schedule.seed;
  const dir = path.join(ctx.runDir, `seed-${seed}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'status'), { recursive: true });
  const timeline: string[] = [];
  const note = (line: string) => timeline.push(`[${String(Date.now() - t0).padStart(6)} ms] ${line}`);
  const faults: Partial<Record<FaultKind, number>> = {};
  const cliTexts: { source: string; text: string }[] = [];

  const namespace = `chaos-${seed}-${Date.now().toString(36)}`;
  ctx.temporal.createNamespace(namespace);
  const pe: ProcessEnv = { dir, temporalAddress: ctx.temporal.address, namespace, statusDir: path.join(dir, 'status') };
  const client = new Client({ connection: ctx.connection, namespace });

  const accountsKeys = [0, 1].map(() => ({ master: Wallet.createRandom(), agent: Wallet.createRandom() }));
  const fund: Record<string, string> = {};
  for (const k of accountsKeys) fund[k.master.address.toLowerCase()] = '10000';
  const sim = await startSimulator({ port: 0, seed: schedule.simSeed, tickMs: 500, fund });
  const accounts: AccountSetup[] = accountsKeys.map((k, i) => {
    const address = k.master.address.toLowerCase();
    approveAgent(sim, k.master.privateKey, k.agent.address);
    const config = sessionConfig(seed, i, address, sim, schedule.accounts[i]!);
    const configFile = path.join(dir, `session-${i}.yaml`);
    fs.writeFileSync(configFile, JSON.stringify(config, null, 2));
    return { index: i, key: k.master.privateKey, address, agentKey: k.agent.privateKey, agentAddress: k.agent.address.toLowerCase(), configFile, config, sessionId: sessionWorkflowId(address, config.session.id!) };
  });

  const slots: Record<'hotpath' | 'stop', Slot[]> = {
    hotpath: accounts.map(() => ({ wanted: true, downUntil: 0, killed: new Set<number>() })),
    stop: accounts.map(() => ({ wanted: true, downUntil: 0, killed: new Set<number>() })),
  };
  const allProcs: ManagedProcess[] = [];
  let temporalUp = true;
  // shared queues are what temporal.yaml gives every operator; per-account queues isolate the
  // two stacks (a workaround for a stop worker that serves any session on its queue)
  const queueEnv = (i: number): NodeJS.ProcessEnv =>
    ctx.queues === 'per-account' ? { HLX_TASK_QUEUE_SESSION: `hlx-session-a${i}`, HLX_TASK_QUEUE_STOP: `hlx-stop-a${i}`, HLX_TASK_QUEUE_HOTPATH_PREFIX: `hlx-hotpath-a${i}` } : {};
  // for the TEST-ONLY stop-wrong-account switch (src/chaos/inject.ts): the account it reads instead
  const wrongAccountEnv = (i: number): NodeJS.ProcessEnv => (process.env.HLX_CHAOS_INJECT ? { HLX_CHAOS_WRONG_ACCOUNT: accounts[1 - i]!.address } : {});
  const spawnSlot = (role: 'hotpath' | 'stop', i: number) => {
    const a = accounts[i]!;
    const p = role === 'hotpath' ? spawnHotPath(pe, i, a.configFile, a.key, queueEnv(i)) : spawnStopWorker(pe, i, { httpUrl: sim.httpUrl, address: a.address, agentKey: a.agentKey }, { ...queueEnv(i), ...wrongAccountEnv(i) });
    slots[role][i]!.proc = p;
    allProcs.push(p);
    note(`${role} ${i} started (pid ${p.pid})`);
    void p.exited.then((x) => {
      if (!slots[role][i]!.killed.has(p.pid)) note(`${role} ${i} (pid ${p.pid}) exited by itself: code ${x.code} signal ${x.signal}`);
    });
  };
  // supervisor: a process that should run and does not is started again (what a service manager does)
  const supervise = () => {
    if (!temporalUp) return;
    for (const role of ['stop', 'hotpath'] as const) {
      slots[role].forEach((s, i) => {
        if (s.wanted && (!s.proc || !s.proc.alive()) && Date.now() >= s.downUntil) spawnSlot(role, i);
      });
    }
  };

  // the processes' own records, sampled from their status files while the schedule runs
  const latches: Map<string, LatchRecord[]> = new Map(accounts.map((a) => [a.sessionId, []]));
  const fillsSeen = new Map<string, FillSeen>();
  const lastStatus = new Map<string, { at: number; pid: number; positions: { coin: string; szi: string }[]; pendingOrders: number; text: string }>();
  const sample = () => {
    for (const a of accounts) {
      const file = path.join(pe.statusDir, `${a.sessionId.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch {
        continue;
      }
      let st: { at: number; pid: number; hardStop: { at: number; reason: string; source: string } | null; positions: { coin: string; szi: string }[]; pendingOrders: number; lastEvents: { type: string; coin?: string; tid?: number }[] };
      try {
        st = JSON.parse(text);
      } catch {
        continue;
      }
      lastStatus.set(a.sessionId, { at: st.at, pid: st.pid, positions: st.positions, pendingOrders: st.pendingOrders, text });
      const ls = latches.get(a.sessionId)!;
      if (st.hardStop && !ls.some((l) => l.pid === st.pid && l.at === st.hardStop!.at)) ls.push({ ...st.hardStop, pid: st.pid });
      const counts = new Map<string, number>();
      for (const e of st.lastEvents ?? []) if (e.type === 'filled') counts.set(`${e.coin}:${e.tid}`, (counts.get(`${e.coin}:${e.tid}`) ?? 0) + 1);
      for (const [k, n] of counts) {
        const key = `${st.pid}:${k}`;
        const [coin, tid] = k.split(':');
        const prev = fillsSeen.get(key);
        if (!prev || prev.multiplicity < n) fillsSeen.set(key, { pid: st.pid, coin: coin!, tid: Number(tid), multiplicity: n });
      }
    }
  };

  const query = async (i: number): Promise<SessionState | null> => {
    try {
      return await client.workflow.getHandle(accounts[i]!.sessionId).query(stateQuery);
    } catch {
      return null;
    }
  };
  const waitFor = async <T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms: number): Promise<T> => {
    const until = Date.now() + ms;
    let v = await probe();
    while (!ok(v) && Date.now() < until) {
      await sleep(200);
      v = await probe();
    }
    return v;
  };

  const teardown = async () => {
    for (const role of ['stop', 'hotpath'] as const) for (const s of slots[role]) {
      s.wanted = false;
      if (s.proc?.pid !== undefined) s.killed.add(s.proc.pid);
    }
    await Promise.all(allProcs.map((p) => killAndWait(p)));
  };
  const timers: ReturnType<typeof setInterval>[] = [];
  const pending = new Set<Promise<unknown>>();
  let error: string | undefined;
  let violations: Violation[] = [];
  let ledger: LedgerEntry[] = [];
  try {
    supervise();
    timers.push(setInterval(supervise, 500), setInterval(sample, 200));
    // generous: on a loaded 2-core machine a stop worker's two workflow bundles take a minute
    const ready = await Promise.all(accounts.map((_, i) => waitFor(() => query(i), (s) => s?.phase === 'READY_TRADING', BRING_UP_MS)));
    if (ready.some((s) => s?.phase !== 'READY_TRADING')) throw new Error(`bring-up: sessions not READY_TRADING after ${BRING_UP_MS / 1000} s (${ready.map((s) => s?.phase ?? 'none').join(', ')})`);
    note(`both sessions READY_TRADING; active window ${schedule.activeMs} ms`);

    // ---- the faults, at their offsets from now ----
    const deps: FaultDeps = {
      sim,
      pe,
      accounts: accounts.map((a) => ({ address: a.address, sessionId: a.sessionId })),
      slots,
      note,
      cliTexts,
      query,
      restartTemporal: async (downMs) => {
        temporalUp = false;
        try {
          await ctx.temporal.restart(downMs);
        } finally {
          temporalUp = true;
        }
      },
      temporalAddress: ctx.temporal.address,
      namespace,
      signalNow: (i, req) => client.workflow.getHandle(accounts[i]!.sessionId).signal(hardStopSignal, req),
      resumeNow: async (i, note) => (await client.workflow.getHandle(accounts[i]!.sessionId).executeUpdate(resumeUpdate, { args: [{ note, operator: 'chaos' }] })).phase,
    };
    const activeStart = Date.now();
    for (const ev of schedule.events) {
      faults[ev.kind] = (faults[ev.kind] ?? 0) + 1;
      const timer = setTimeout(() => {
        note(`fault ${describeEvent(ev)}`);
        const p = applyFault(ev, deps).catch((e) => note(`fault ${ev.kind} failed: ${(e as Error).message}`));
        pending.add(p);
        void p.finally(() => pending.delete(p));
      }, Math.max(0, activeStart + ev.at - Date.now()));
      timers.push(timer as unknown as ReturnType<typeof setInterval>);
    }
    await sleep(schedule.activeMs);

    // ---- settle: faults off, every fault's own follow-up done, every process back ----
    note('settle: faults cleared');
    clearVenueFaults(sim);
    await Promise.race([Promise.all([...pending]), sleep(20_000)]);
    clearVenueFaults(sim);
    for (const role of ['stop', 'hotpath'] as const) for (const s of slots[role]) {
      s.wanted = true;
      s.downUntil = 0;
    }
    supervise();
    const stopping = (s: SessionState | null) => !s || s.phase === 'HARD_STOP' || s.phase === 'FLATTENING';
    const settled = await Promise.all(accounts.map((_, i) => waitFor(() => query(i), (s) => !stopping(s), 45_000)));
    note(`settled: ${settled.map((s) => s?.phase ?? 'unknown').join(', ')}`);

    // ---- a final operator HardStop of both sessions: every schedule ends with a stop to flat ----
    const finals = await Promise.all(accounts.map((a) => runFinalStop(pe, a.sessionId)));
    finals.forEach((r, i) => {
      cliTexts.push({ source: `final hardstop ${i}`, text: r.stdout + r.stderr });
      note(`final hardstop ${i}: exit ${r.code} ${r.stdout.trim().split('\n').pop() ?? ''}`);
    });
    // quiescence: each hot path has written its status after the venue's last fill of its account
    const lastFillAt = (addr: string) => sim.venue.ledger.since(0).reduce((m, e) => (e.kind === 'fill' && e.account === addr ? Math.max(m, e.at) : m), 0);
    await waitFor(
      async () => accounts.map((a) => lastStatus.get(a.sessionId)),
      (xs) => xs.every((x, i) => !!x && x.at > lastFillAt(accounts[i]!.address) + 300 && x.pendingOrders === 0),
      10_000,
    );
    sample();
    const endedAt = Date.now();

    // ---- collect ----
    ledger = sim.venue.ledger.since(0);
    const hist = await collectHistories(client, accounts.map((a) => ({ sessionId: a.sessionId, account: a.address })));
    for (const s of hist.sessions) s.latches = latches.get(s.sessionId) ?? [];
    const quiescence: QuiescenceRecord[] = accounts.map((a) => {
      const st = lastStatus.get(a.sessionId);
      const fresh = st && st.at > lastFillAt(a.address);
      return { account: a.address, hotPathPositions: fresh ? st.positions : null, statusAt: st?.at ?? null, pid: st?.pid ?? null };
    });
    const stopWorkerAccounts: Record<string, string> = {};
    for (const p of allProcs) if (p.role === 'stop') stopWorkerAccounts[p.identity] = accounts[p.account]!.address;
    timers.forEach((t) => clearInterval(t));
    await teardown();
    const texts = [
      ...hist.texts,
      ...cliTexts,
      ...allProcs.map((p) => ({ source: path.basename(p.logFile), text: safeRead(p.logFile) })),
      ...[...lastStatus.entries()].map(([id, s]) => ({ source: `status ${id}`, text: s.text })),
      { source: 'timeline', text: timeline.join('\n') },
    ];
    const records: ChaosRecords = {
      accounts: accounts.map((a) => ({
        address: a.address,
        sessionId: a.sessionId,
        stopSigner: a.agentAddress,
        limits: { maxNotionalPerMarketUsd: a.config.limits.maxNotionalPerMarketUsd, maxNotionalTotalUsd: a.config.limits.maxNotionalTotalUsd, maxCumulativeLossUsd: a.config.risk.maxCumulativeLossUsd },
      })),
      ledger,
      sessions: hist.sessions,
      stopWorkerAccounts,
      quiescence,
      fillsSeen: [...fillsSeen.values()],
      texts,
      secrets: accounts.flatMap((a) => [
        { label: `account ${a.index} (hot path)`, value: a.key },
        { label: `account ${a.index} stop agent`, value: a.agentKey },
      ]),
      phaseGraceMs: PHASE_GRACE_MS,
      endedAt,
    };
    fs.writeFileSync(path.join(dir, 'records.json'), JSON.stringify({ ...records, texts: records.texts.map((t) => t.source), secrets: records.secrets.map((s) => s.label) }, null, 1));
    violations = checkAll(records);
    fs.writeFileSync(path.join(dir, 'violations.json'), JSON.stringify(violations, null, 1));
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
    note(`error: ${error}`);
    ledger = sim.venue.ledger.since(0);
  } finally {
    timers.forEach((t) => clearInterval(t));
    await teardown();
    await sim.stop().catch(() => {});
    fs.writeFileSync(path.join(dir, 'timeline.txt'), timeline.join('\n') + '\n');
    fs.writeFileSync(path.join(dir, 'ledger.jsonl'), ledger.map((e) => JSON.stringify(e)).join('\n') + '\n');
  }
  return { seed, violations, ...(error ? { error } : {}), timeline, faults, wallMs: Date.now() - t0, dir, ledger };
}

function runFinalStop(pe: ProcessEnv, sessionId: string): Promise<CliResult> {
  return runHlx(pe, ['hardstop', '--reason', 'chaos: end of schedule', '--session-id', sessionId, '--timeout-ms', '40000'], 60_000);
}

function clearVenueFaults(sim: RunningSimulator): void {
  const a = sim.admin;
  a.latency(0);
  a.silence(0);
  a.partialFills(false);
  a.duplicateFills(false);
  a.reorderFills(false);
  a.ioSlippage(0);
  a.rejectNext(0, 'cleared');
  a.http429(0);
}

function safeRead(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
