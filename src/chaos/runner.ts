/**
 * The chaos runner: N schedules from seeds S, S+1, …, one Temporal dev server for all of them,
 * one progress line per schedule, a report for each failing one (its seed, the fault timeline,
 * each violated invariant with the ledger lines that show it, and the command that replays it),
 * and as the very last line `chaos: N schedules, V violations`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { PROJECT_ROOT } from '../config/temporal';
import { INVARIANT_NAMES } from './invariants';
import { runSchedule, type ScheduleResult } from './run-schedule';
import { describeEvent, FAULT_KINDS, generateSchedule, type FaultKind } from './schedule';
import { ChaosTemporal } from './temporal-server';
import { connectClosable } from '../temporal/closable-connection';

export interface RunnerOptions {
  seeds: number;
  seed: number;
  /** these seeds instead of seed, seed+1, … (kept regression cases, src/chaos/regressions.ts) */
  seedList?: readonly number[];
  activeMs?: number;
  /** where each schedule's logs, ledger and records go */
  runDir?: string;
  /** task queues of the two accounts: temporal.yaml's shared ones (default) or one set per account */
  queues?: 'shared' | 'per-account';
  out?: (line: string) => void;
}

export interface RunnerSummary {
  schedules: number;
  violations: number;
  results: { seed: number; violations: number; error?: string; wallMs: number }[];
  faults: Partial<Record<FaultKind, number>>;
}

const MAX_SHOWN_PER_INVARIANT = 8;

export function summaryLine(schedules: number, violations: number): string {
  return `chaos: ${schedules} schedules, ${violations} violations`;
}

/** What a failing schedule prints: enough to understand it without opening a file. */
export function failureReport(r: ScheduleResult, events: string[]): string[] {
  const lines = [`--- seed ${r.seed}: ${r.violations.length} violations${r.error ? `, error: ${r.error}` : ''} (replay: make chaos SEED=${r.seed} SEEDS=1; files: ${path.relative(PROJECT_ROOT, r.dir)})`];
  lines.push('  fault schedule:', ...events.map((e) => `    ${e}`));
  const shown = new Map<number, number>();
  for (const v of r.violations) {
    const n = (shown.get(v.invariant) ?? 0) + 1;
    shown.set(v.invariant, n);
    if (n > MAX_SHOWN_PER_INVARIANT) continue;
    lines.push(`  VIOLATION invariant ${v.invariant} (${INVARIANT_NAMES[v.invariant]})${v.account ? ` account ${v.account}` : ''}: ${v.message}`);
    for (const ev of v.evidence.slice(0, 6)) lines.push(`    ${ev.length > 600 ? `${ev.slice(0, 600)}…` : ev}`);
  }
  for (const [inv, n] of shown) if (n > MAX_SHOWN_PER_INVARIANT) lines.push(`  … and ${n - MAX_SHOWN_PER_INVARIANT} more violations of invariant ${inv} (records.json, ledger.jsonl)`);
  lines.push('  timeline:', ...r.timeline.map((t) => `    ${t}`));
  return lines;
}

export async function runChaos(o: RunnerOptions): Promise<RunnerSummary> {
  const out = o.out ?? ((l: string) => console.log(l));
  const runDir = o.runDir ?? path.join(PROJECT_ROOT, '.run', 'chaos', `run-${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}-${process.pid}`);
  fs.mkdirSync(runDir, { recursive: true });
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    /* already installed */
  }
  const inject = process.env.HLX_CHAOS_INJECT ? `; TEST-ONLY fault switch HLX_CHAOS_INJECT=${process.env.HLX_CHAOS_INJECT}` : '';
  const seeds = o.seedList ?? Array.from({ length: o.seeds }, (_, k) => o.seed + k);
  out(`chaos: ${seeds.length} schedules ${o.seedList ? `(seeds ${seeds.join(',')})` : `from seed ${o.seed}`}, ${o.queues ?? 'shared'} task queues${inject} (replay one: make chaos SEED=<seed> SEEDS=1); files under ${path.relative(PROJECT_ROOT, runDir) || runDir}`);
  const temporal = await ChaosTemporal.start(runDir);
  const connection = await connectClosable({ address: temporal.address });
  const summary: RunnerSummary = { schedules: 0, violations: 0, results: [], faults: {} };
  try {
    for (const [k, seed] of seeds.entries()) {
      const schedule = generateSchedule(seed, o.activeMs ? { activeMs: o.activeMs } : {});
      let r: ScheduleResult;
      try {
        r = await runSchedule(schedule, { temporal, connection, runDir, queues: o.queues ?? 'shared' });
      } catch (e) {
        // bring-up outside the schedule's own guard (namespace, simulator): a failed schedule, not a crash
        r = { seed, violations: [], error: e instanceof Error ? e.message : String(e), timeline: [], faults: {}, wallMs: 0, dir: path.join(runDir, `seed-${seed}`), ledger: [] };
      }
      const v = r.violations.length + (r.error ? 1 : 0);
      summary.schedules++;
      summary.violations += v;
      summary.results.push({ seed, violations: v, ...(r.error ? { error: r.error } : {}), wallMs: r.wallMs });
      for (const [kind, n] of Object.entries(r.faults)) summary.faults[kind as FaultKind] = (summary.faults[kind as FaultKind] ?? 0) + (n ?? 0);
      const byInv = [...new Set(r.violations.map((x) => x.invariant))].sort().join(',');
      out(`[${k + 1}/${seeds.length}] seed ${seed}: ${v === 0 ? 'ok' : `${v} violations${byInv ? ` (invariants ${byInv})` : ''}${r.error ? ' (error)' : ''}`} in ${(r.wallMs / 1000).toFixed(1)} s, ${schedule.events.length} faults`);
      if (v > 0) for (const l of failureReport(r, schedule.events.map(describeEvent))) out(l);
      // a clean schedule's files are not needed (a soak would fill the disk); a failing one's are kept
      else fs.rmSync(r.dir, { recursive: true, force: true });
    }
  } finally {
    await connection.close().catch(() => {});
    await temporal.stop().catch(() => {});
    // the dev server's database and log are kept only for a run with a failing schedule
    if (summary.violations === 0 && !o.runDir) fs.rmSync(runDir, { recursive: true, force: true });
  }
  const freq = FAULT_KINDS.filter((k) => summary.faults[k]).map((k) => `${k} ${summary.faults[k]}`).join(', ');
  out(`faults applied: ${freq}`);
  const walls = summary.results.map((r) => r.wallMs / 1000);
  if (walls.length) out(`wall time per schedule: mean ${(walls.reduce((a, b) => a + b, 0) / walls.length).toFixed(1)} s, max ${Math.max(...walls).toFixed(1)} s`);
  out(summaryLine(summary.schedules, summary.violations));
  return summary;
}
