/**
 * `hlx hardstop --reason TEXT <scope> [--no-wait] [--timeout-ms MS]`: HardStop(Operator) through
 * the durable `hardStop` signal, for one scope:
 *   --session ID | --session-id ID | --config FILE   one session (with --config a signalWithStart:
 *                                                    recorded even if the workflow is not running yet)
 *   --account 0x…                                    every running session of that account
 *   --all                                            every running session of the namespace
 *   --market COIN with a session                     that market alone: reduce-only in the hot path,
 *                                                    its orders cancelled and its position flattened,
 *                                                    the rest keeps trading (`hlx resume --market`)
 * --account and --all find the sessions through the search attributes and signal them in ONE
 * batch operation (src/fleet/client.ts). Then a table — session, phase, positions left, step —
 * refreshes (in place on a terminal) until every session is STOPPED_FLAT or STOP_FAILED, or the
 * deadline passes (exit 1).
 *
 * The same from Temporal's own CLI:
 *   temporal workflow signal --workflow-id <sessionId> --name hardStop \
 *     --input '{"reason":"Operator","source":"temporal-cli","details":{"text":"why"}}'
 *   temporal workflow signal --name hardStop --input '{"reason":"Operator","source":"temporal-cli"}' \
 *     --query "WorkflowType = 'tradingSession' AND ExecutionStatus = 'Running' AND TradingAccount = '0x…'" --yes
 *   temporal workflow signal --workflow-id <sessionId> --name marketHardStop \
 *     --input '{"coin":"SOL","reason":"Operator","source":"temporal-cli"}'
 */
import * as os from 'node:os';
import { z } from 'zod';
import { CliError } from '../errors';
import { IntFlag, parseFlags } from '../operator-args';
import { connectForCli, readStatusFile, resolveTarget, sessionInput } from '../session-target';
import { endFrames, redrawFrame } from '../status-view';
import { hardStopSignal, marketHardStopSignal, stateQuery, type HardStopRequest, type SessionState } from '../../../workflows/messages';
import { SESSION_WORKFLOW_TYPE } from '../../../src/orchestration/ids';
import { describeBatch, fleetHardStop, listSessions, readStates } from '../../fleet/client';
import { FleetScopeError, normalizeAccount, type FleetScope } from '../../fleet/queries';
import { fleetRow, renderStopProgress, type FleetRow } from '../../fleet/table';
import type { TemporalHandles } from '../../../workers/session-client';

export const summary = 'hardstop --reason TEXT (--session ID | --config FILE | --account 0x… | --all): stop and flatten';

const USAGE =
  'usage: hlx hardstop --reason TEXT (--session ID | --session-id ID | --config FILE | --account 0x… | --all) [--market COIN] [--no-wait] [--timeout-ms MS]';

const DONE_PHASES = new Set(['STOPPED_FLAT', 'STOP_FAILED']);

export async function run(argv: string[]): Promise<number> {
  const o = parseFlags(
    argv,
    {
      reason: { type: 'string' },
      session: { type: 'string' },
      'session-id': { type: 'string' },
      config: { type: 'string' },
      account: { type: 'string' },
      all: { type: 'boolean' },
      market: { type: 'string' },
      'no-wait': { type: 'boolean' },
      'timeout-ms': { type: 'string' },
    },
    z.object({
      reason: z.string({ message: 'required: why the session is stopped (free text)' }).trim().min(1, 'must not be empty'),
      session: z.string().min(1).optional(),
      sessionId: z.string().min(1).optional(),
      config: z.string().min(1).optional(),
      account: z.string().optional(),
      all: z.boolean().optional(),
      market: z.string().regex(/^[A-Za-z0-9:_-]{1,32}$/, 'a perp coin name such as "SOL"').optional(),
      noWait: z.boolean().optional(),
      timeoutMs: IntFlag().optional(),
    }),
    USAGE,
  );
  const scopes = [o.session !== undefined || o.sessionId !== undefined || o.config !== undefined, o.account !== undefined, o.all === true].filter(Boolean).length;
  if (scopes !== 1) throw new CliError(`scope: give exactly one of --session/--session-id/--config, --account, --all\n${USAGE}`);
  if (o.session !== undefined && o.sessionId !== undefined) throw new CliError(`--session and --session-id: the same flag, give one\n${USAGE}`);
  if (o.market !== undefined && (o.account !== undefined || o.all)) throw new CliError(`--market: only within one session (--session ID or --config FILE)\n${USAGE}`);
  let account: string | undefined;
  try {
    if (o.account !== undefined) account = normalizeAccount(o.account);
  } catch (e) {
    if (e instanceof FleetScopeError) throw new CliError(`--${e.message}`);
    throw e;
  }
  const req: HardStopRequest = { reason: 'Operator', source: 'cli', details: { text: o.reason, operator: os.userInfo().username } };
  const timeoutMs = o.timeoutMs ?? 60_000;
  const t = await connectForCli();
  try {
    let ids: string[];
    let title: string;
    if (o.all || account) {
      const scope: FleetScope = account ? { account } : {};
      const what = account ? `account ${account}` : `namespace ${t.settings.namespace}`;
      ids = (await listSessions(t.client, scope)).map((s) => s.sessionId);
      if (ids.length === 0) {
        console.log(`no running session in ${what}: nothing to stop`);
        return account ? 1 : 0;
      }
      const job = await fleetHardStop(t.client, scope, ids, req, `hlx hardstop: ${o.reason}`);
      console.log(`HardStop(Operator) to ${ids.length} session(s) of ${what}: ${job.signalled} signalled directly, and batch operation ${job.jobId}: ${o.reason}`);
      for (const f of job.failed) console.log(`  direct signal to ${f.sessionId} failed (${f.error}); the batch operation still reaches it`);
      if (job.batchError) console.log(`  the batch operation was not started (${job.batchError}); the direct signals went out`);
      console.log(`  query: ${job.query}`);
      if (job.signalled === 0 && job.batchError) throw new CliError(`hardstop: no session could be signalled: ${job.failed[0]?.error ?? job.batchError}`, 1);
      title = `hardstop ${account ? account : '--all'}`;
      if (o.noWait) return 0;
      const batch = { note: job.batchError ? 'batch not started' : `batch ${job.jobId}: signalling` };
      if (!job.batchError) void followBatch(t, job.jobId, ids.length, batch);
      return await watchUntilDone(t, ids, title, timeoutMs, () => batch.note);
    } else if (o.market !== undefined) {
      const target = resolveTarget({ sessionId: o.session ?? o.sessionId, config: o.config }, t.queues);
      return await marketStop(t, target.sessionId, o.market, req, o.reason, timeoutMs, o.noWait === true);
    } else {
      const target = resolveTarget({ sessionId: o.session ?? o.sessionId, config: o.config }, t.queues);
      await signalOne(t, target, req);
      console.log(`HardStop(Operator) signalled to ${target.sessionId}: ${o.reason}`);
      if (o.noWait) return 0;
      ids = [target.sessionId];
      title = `hardstop ${target.sessionId}`;
    }
    return await watchUntilDone(t, ids, title, timeoutMs);
  } finally {
    await t.close();
  }
}

async function signalOne(t: TemporalHandles, target: ReturnType<typeof resolveTarget>, req: HardStopRequest): Promise<void> {
  if (target.config) {
    await t.client.workflow.signalWithStart(SESSION_WORKFLOW_TYPE, {
      workflowId: target.sessionId,
      taskQueue: t.queues.session,
      args: [sessionInput(target.config, t.queues)],
      signal: hardStopSignal,
      signalArgs: [req],
    });
    return;
  }
  try {
    await t.client.workflow.getHandle(target.sessionId).signal(hardStopSignal, req);
  } catch (e) {
    throw new CliError(`--session: cannot signal ${target.sessionId}: ${(e as Error).message}`, 1);
  }
}

/** `--market COIN`: signal the market stop, then its progress until it ends or the deadline. */
async function marketStop(t: TemporalHandles, sessionId: string, coin: string, req: HardStopRequest, why: string, timeoutMs: number, noWait: boolean): Promise<number> {
  const handle = t.client.workflow.getHandle(sessionId);
  let before: SessionState;
  try {
    before = await handle.query(stateQuery);
  } catch (e) {
    throw new CliError(`--session: cannot read ${sessionId}: ${(e as Error).message}`, 1);
  }
  if (!before.markets.includes(coin)) throw new CliError(`--market: ${coin} is not a market of ${sessionId} (${before.markets.join(', ')})`);
  const n = (before.marketStopCount ?? 0) + 1;
  await handle.signal(marketHardStopSignal, { coin, reason: req.reason, source: req.source, ...(req.details ? { details: req.details } : {}) });
  console.log(`market HardStop(${coin}) signalled to ${sessionId}: ${why}`);
  if (noWait) return 0;
  const out = process.stdout;
  const until = Date.now() + timeoutMs;
  let drawn = 0;
  let last = '';
  try {
    for (;;) {
      let s: SessionState | null = null;
      try {
        s = await handle.query(stateQuery);
      } catch {
        /* keep asking until the deadline */
      }
      const m = s?.marketStops?.find((x) => x.n === n);
      const ignored = s && !m ? s.stepsDone.find((x) => x.startsWith(`market stop ${coin} ignored`)) : undefined;
      if (ignored && (s?.marketStopCount ?? 0) < n) {
        console.error(`${sessionId}: ${ignored}`);
        return 1;
      }
      const state = m ? (m.outcome ?? 'STOPPING') : 'SIGNALLED';
      const left = m?.remaining ? (m.remaining.length ? m.remaining.map((p) => `${p.coin} ${p.szi}`).join(', ') : 'flat') : '?';
      const lines = [`hardstop --market ${coin}  ${new Date().toISOString().slice(11, 19)}`, `SESSION  MARKET  STOP  POSITION LEFT  SESSION PHASE`, `${sessionId}  ${coin}  ${state}  ${left}  ${s?.phase ?? '?'}`];
      if (out.isTTY) drawn = redrawFrame(out, lines, drawn);
      else if (lines.slice(1).join('\n') !== last) {
        out.write(lines.join('\n') + '\n');
        last = lines.slice(1).join('\n');
      }
      if (m?.outcome === 'STOPPED_FLAT') {
        console.log(`${coin} STOPPED_FLAT in ${sessionId}: reduce-only until \`hlx resume --market ${coin}\`; the other markets trade on`);
        return 0;
      }
      if (m?.outcome === 'STOP_FAILED') {
        console.error(`${coin} STOP FAILED in ${sessionId}: ${JSON.stringify(m.remaining ?? [])}, ${m.openOrdersLeft ?? '?'} open order(s) — stop the session (hlx hardstop --session)`);
        return 1;
      }
      if (Date.now() > until) {
        console.error(`${coin} not flat after ${timeoutMs} ms; the market stop goes on in Temporal`);
        return 1;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    endFrames(out, drawn);
  }
}

/** The batch's progress, shown under the table's title until it has signalled every session. */
async function followBatch(t: TemporalHandles, jobId: string, expected: number, into: { note: string }): Promise<void> {
  const until = Date.now() + 30_000;
  while (Date.now() < until) {
    try {
      const b = await describeBatch(t.client, jobId);
      if (b.state === 'COMPLETED' || b.state === 'FAILED') {
        const extra = b.total > expected ? ` (${b.total - expected} started after the list: not in the table)` : '';
        into.note = `batch ${b.state}: ${b.done} of ${b.total} signalled, ${b.failed} failed${extra}`;
        return;
      }
      into.note = `batch ${b.state}: ${b.done} of ${b.total} signalled`;
    } catch {
      /* not visible yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The progress table until every session is done or the deadline: 0 all flat, 1 otherwise. */
async function watchUntilDone(t: TemporalHandles, ids: string[], title: string, timeoutMs: number, note: () => string | undefined = () => undefined): Promise<number> {
  const out = process.stdout;
  const tty = Boolean(out.isTTY);
  const until = Date.now() + timeoutMs;
  let drawn = 0;
  let last = '';
  let rows: FleetRow[] = [];
  try {
    for (;;) {
      const states = await readStates(t.client, ids);
      rows = ids.map((id) => {
        const hot = readStatusFile(id);
        return fleetRow({ sessionId: id, runId: '', account: '?', phase: 'UNKNOWN', status: '', historyLength: 0, startTime: new Date(0) }, states.get(id) ?? null, hot ? { pnlUsd: hot.risk.pnlCumulativeUsd, positions: hot.positions } : null);
      });
      const lines = renderStopProgress(rows, Date.now(), title);
      const n = note();
      if (n) lines.splice(1, 0, `  ${n}`);
      if (tty) drawn = redrawFrame(out, lines, drawn);
      else {
        const body = lines.slice(1).join('\n');
        if (body !== last) out.write(lines.join('\n') + '\n');
        last = body;
      }
      if (rows.every((r) => DONE_PHASES.has(r.phase))) break;
      if (Date.now() > until) {
        const left = rows.filter((r) => !DONE_PHASES.has(r.phase)).map((r) => `${r.sessionId} (${r.phase})`);
        console.error(`not flat after ${timeoutMs} ms: ${left.join(', ')}; the stop sequences go on in Temporal`);
        return 1;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    endFrames(out, drawn);
  }
  const failed = rows.filter((r) => r.phase === 'STOP_FAILED');
  if (failed.length) {
    for (const r of failed) console.error(`STOP FAILED: ${r.sessionId}: ${JSON.stringify(r.positions)} — flatten by hand and check open orders`);
    return 1;
  }
  console.log(`all ${rows.length} session(s) STOPPED_FLAT`);
  return 0;
}
