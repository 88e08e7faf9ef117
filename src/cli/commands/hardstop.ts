/**
 * `hlx hardstop --reason TEXT [--session-id ID | --config FILE] [--no-wait] [--timeout-ms MS]`:
 * HardStop(Operator) on a session through the durable `hardStop` signal. With --config it is a
 * signalWithStart, so the stop is recorded even if the session workflow is not running yet.
 * Waits (bounded) for STOPPED_FLAT / STOP_FAILED unless --no-wait.
 *
 * The same from Temporal's own CLI:
 *   temporal workflow signal --workflow-id <sessionId> --name hardStop \
 *     --input '{"reason":"Operator","source":"temporal-cli","details":{"text":"why"}}'
 */
import * as os from 'node:os';
import { z } from 'zod';
import { CliError } from '../errors';
import { IntFlag, parseFlags } from '../operator-args';
import { connectForCli, resolveTarget, sessionInput } from '../session-target';
import { hardStopSignal, stateQuery, type HardStopRequest, type SessionState } from '../../../workflows/messages';
import { SESSION_WORKFLOW_TYPE } from '../../../src/orchestration/ids';

export const summary = 'hardstop --reason TEXT [--session-id ID | --config FILE]: stop a session and flatten it';

const USAGE = 'usage: hlx hardstop --reason TEXT [--session-id ID | --config FILE] [--no-wait] [--timeout-ms MS]';

export async function run(argv: string[]): Promise<number> {
  const o = parseFlags(
    argv,
    { reason: { type: 'string' }, 'session-id': { type: 'string' }, config: { type: 'string' }, 'no-wait': { type: 'boolean' }, 'timeout-ms': { type: 'string' } },
    z.object({
      reason: z.string({ message: 'required: why the session is stopped (free text)' }).trim().min(1, 'must not be empty'),
      sessionId: z.string().min(1).optional(),
      config: z.string().min(1).optional(),
      noWait: z.boolean().optional(),
      timeoutMs: IntFlag().optional(),
    }),
    USAGE,
  );
  const t = await connectForCli();
  try {
    const target = resolveTarget(o, t.queues);
    const req: HardStopRequest = { reason: 'Operator', source: 'cli', details: { text: o.reason, operator: os.userInfo().username } };
    if (target.config) {
      await t.client.workflow.signalWithStart(SESSION_WORKFLOW_TYPE, {
        workflowId: target.sessionId,
        taskQueue: t.queues.session,
        args: [sessionInput(target.config, t.queues)],
        signal: hardStopSignal,
        signalArgs: [req],
      });
    } else {
      try {
        await t.client.workflow.getHandle(target.sessionId).signal(hardStopSignal, req);
      } catch (e) {
        throw new CliError(`--session-id: cannot signal ${target.sessionId}: ${(e as Error).message}`, 1);
      }
    }
    console.log(`HardStop(Operator) signalled to ${target.sessionId}: ${o.reason}`);
    if (o.noWait) return 0;
    const until = Date.now() + (o.timeoutMs ?? 60_000);
    let last = '';
    let s: SessionState | null = null;
    while (Date.now() < until) {
      try {
        s = await t.client.workflow.getHandle(target.sessionId).query(stateQuery);
        const line = `${s.phase}${s.stepsDone.length ? `: ${s.stepsDone[s.stepsDone.length - 1]}` : ''}`;
        if (line !== last) console.log(`  ${new Date().toISOString().slice(11, 23)} ${line}`);
        last = line;
        if (s.phase === 'STOPPED_FLAT') return 0;
        if (s.phase === 'STOP_FAILED') {
          console.error(`STOP FAILED: ${JSON.stringify(s.positions)} — flatten by hand and check open orders`);
          return 1;
        }
      } catch {
        /* no workflow worker yet: the signal is durable; keep waiting */
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    console.error(`not flat after ${o.timeoutMs ?? 60_000} ms (phase ${s?.phase ?? 'unknown'}); the stop sequence goes on in Temporal`);
    return 1;
  } finally {
    await t.close();
  }
}
