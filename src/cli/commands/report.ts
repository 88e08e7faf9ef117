/**
 * `hlx report [--session-id ID | --config FILE] [--json]`: the Go/No-Go table (SPEC §6) of a
 * session — each checkpoint of the rule table, its thresholds, the figures recorded when it was
 * reached and the verdict; checkpoints not reached yet show the hot path's current figures.
 */
import { z } from 'zod';
import type { GoNoGoRule } from '../../config/session';
import { CliError } from '../errors';
import { parseFlags } from '../operator-args';
import { connectForCli, readStatusFile, resolveTarget } from '../session-target';
import { shortDecimal } from '../status-view';
import { stateQuery, type SessionState } from '../../../workflows/messages';

export const summary = 'report [--session-id ID | --config FILE]: the Go/No-Go table';

const USAGE = 'usage: hlx report [--session-id ID | --config FILE] [--json]';

export interface ReportRow {
  checkpoint: number;
  verdict: 'GO' | 'NO_GO' | 'not reached';
  closedTrades: number | null;
  meanEdgeBps: string | null;
  minMeanEdgeBps: number | null;
  meanSlippageBps: string | null;
  maxMeanSlippageBps: number | null;
  pnlCumulativeUsd: string | null;
  minPnlCumulativeUsd: string | null;
  failed: string[];
}

/** Rows from the workflow's recorded checkpoints, completed by the configured rule table. */
export function reportRows(state: SessionState | null, rules: readonly GoNoGoRule[] | undefined): ReportRow[] {
  const rows = new Map<number, ReportRow>();
  for (const r of rules ?? []) {
    rows.set(r.trades, {
      checkpoint: r.trades,
      verdict: 'not reached',
      closedTrades: null,
      meanEdgeBps: null,
      minMeanEdgeBps: r.minMeanEdgeBps,
      meanSlippageBps: null,
      maxMeanSlippageBps: r.maxMeanSlippageBps,
      pnlCumulativeUsd: null,
      minPnlCumulativeUsd: r.minPnlCumulativeUsd,
      failed: [],
    });
  }
  for (const c of state?.checkpoints ?? []) {
    const base = rows.get(c.checkpoint);
    rows.set(c.checkpoint, {
      checkpoint: c.checkpoint,
      verdict: c.effectiveVerdict,
      closedTrades: c.figures.closedTrades,
      meanEdgeBps: c.figures.meanEdgeBps,
      minMeanEdgeBps: c.rule?.minMeanEdgeBps ?? base?.minMeanEdgeBps ?? null,
      meanSlippageBps: c.figures.meanSlippageBps,
      maxMeanSlippageBps: c.rule?.maxMeanSlippageBps ?? base?.maxMeanSlippageBps ?? null,
      pnlCumulativeUsd: c.figures.pnlCumulativeUsd,
      minPnlCumulativeUsd: c.rule?.minPnlCumulativeUsd ?? base?.minPnlCumulativeUsd ?? null,
      failed: (c.failed ?? []).map((f) => `${f.rule} ${f.actual} vs ${f.threshold}`),
    });
  }
  return [...rows.values()].sort((a, b) => a.checkpoint - b.checkpoint);
}

export function renderReport(rows: ReportRow[]): string {
  const head = ['checkpoint', 'verdict', 'mean edge bps (min)', 'mean slippage bps (max)', 'pnl USD (min)', 'failed'];
  const body = rows.map((r) => [
    String(r.checkpoint),
    r.verdict,
    `${r.meanEdgeBps === null ? '—' : shortDecimal(r.meanEdgeBps)} (${r.minMeanEdgeBps ?? '—'})`,
    `${r.meanSlippageBps === null ? '—' : shortDecimal(r.meanSlippageBps)} (${r.maxMeanSlippageBps ?? '—'})`,
    `${r.pnlCumulativeUsd === null ? '—' : shortDecimal(r.pnlCumulativeUsd, 4)} (${r.minPnlCumulativeUsd ?? '—'})`,
    r.failed.join('; ') || '',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

export async function run(argv: string[]): Promise<number> {
  const o = parseFlags(
    argv,
    { 'session-id': { type: 'string' }, config: { type: 'string' }, json: { type: 'boolean' } },
    z.object({ sessionId: z.string().min(1).optional(), config: z.string().min(1).optional(), json: z.boolean().optional() }),
    USAGE,
  );
  const t = await connectForCli();
  try {
    const target = resolveTarget(o, t.queues);
    let state: SessionState | null = null;
    try {
      state = await t.client.workflow.getHandle(target.sessionId).query(stateQuery);
    } catch (e) {
      throw new CliError(`session ${target.sessionId}: ${(e as Error).message}`, 1);
    }
    const rows = reportRows(state, target.config?.goNoGo.checkpoints);
    const hot = readStatusFile(target.sessionId);
    if (o.json) {
      console.log(JSON.stringify({ sessionId: target.sessionId, phase: state.phase, goNoGo: state.goNoGo ?? null, rows, current: hot?.risk ?? null }, null, 2));
      return 0;
    }
    console.log(`Go/No-Go — ${target.sessionId} (phase ${state.phase}, verdict so far ${state.goNoGo ?? 'none'})`);
    console.log(renderReport(rows));
    if (hot) {
      console.log(
        `now: ${hot.risk.closedTrades} closed trades, pnl ${shortDecimal(hot.risk.pnlCumulativeUsd, 4)} USD, last slippage ${hot.risk.lastSlippageBps === null ? '—' : shortDecimal(hot.risk.lastSlippageBps)} bps`,
      );
    }
    return 0;
  } finally {
    await t.close();
  }
}
