/**
 * `hlx session start --config FILE [--watch]`: starts (or joins) the session workflow and runs
 * the hot-path worker in the foreground; Ctrl+C = HardStop(Operator) and a bounded wait for flat.
 * `hlx session status [--config FILE | --session-id ID] [--watch] [--interval MS]`: the table
 * (phase, positions, pnl, gate counters by reason, last events).
 */
import { z } from 'zod';
import { envHelp } from '../../config/env';
import { CliError } from '../errors';
import { IntFlag, parseFlags, wantsHelp } from '../operator-args';
import { connectForCli, buildSnapshot, readStatusFile, resolveTarget } from '../session-target';
import { renderStatus, StatusView, type StatusSnapshot } from '../status-view';
import { stateQuery, type SessionState } from '../../../workflows/messages';
import type { TemporalHandles } from '../../../workers/session-client';

export const summary = 'session start --config FILE | session status [--config FILE | --session-id ID] [--watch]';

const START_USAGE = 'usage: hlx session start --config FILE [--watch] [--stop-wait-ms MS]';
const STATUS_USAGE = 'usage: hlx session status [--config FILE | --session-id ID] [--watch] [--interval MS] [--json]';

const connect = connectForCli;

async function queryState(t: TemporalHandles, sessionId: string): Promise<{ state: SessionState | null; error?: string }> {
  try {
    return { state: await t.client.workflow.getHandle(sessionId).query(stateQuery) };
  } catch (e) {
    return { state: null, error: (e as Error).message };
  }
}

async function start(argv: string[]): Promise<number> {
  const o = parseFlags(
    argv,
    { config: { type: 'string' }, watch: { type: 'boolean' }, 'stop-wait-ms': { type: 'string' } },
    z.object({ config: z.string({ message: 'required: the session YAML file' }).min(1), watch: z.boolean().optional(), stopWaitMs: IntFlag().optional() }),
    START_USAGE,
  );
  // validate the config before anything starts, so a typo is one line naming the field
  resolveTarget({ config: o.config }, { session: '', stop: '', hotPathPrefix: 'x' });
  const { runHotPathProcess } = await import('../../../workers/hotpath/process');
  let view: StatusView | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  try {
    return await runHotPathProcess({
      configFile: o.config,
      stopWaitMs: o.stopWaitMs,
      onStarted: (w) => {
        console.log(`session ${w.sessionId} running; hot path on task queue ${w.taskQueue}. Ctrl+C = HardStop and wait for flat.`);
        if (!o.watch) return;
        view = new StatusView(process.stdout);
        timer = setInterval(() => {
          const hot = JSON.parse(JSON.stringify({ ...w.hotPath().status(), sessionId: w.sessionId, pid: process.pid, at: Date.now() }));
          view!.update(buildSnapshot(w.sessionId, w.lastState(), hot));
        }, 500);
        timer.unref?.();
      },
    });
  } finally {
    if (timer) clearInterval(timer);
    view?.close();
  }
}

export async function statusSnapshot(t: TemporalHandles, sessionId: string): Promise<StatusSnapshot> {
  const { state } = await queryState(t, sessionId);
  return buildSnapshot(sessionId, state, readStatusFile(sessionId));
}

async function status(argv: string[]): Promise<number> {
  const o = parseFlags(
    argv,
    { config: { type: 'string' }, 'session-id': { type: 'string' }, watch: { type: 'boolean' }, interval: { type: 'string' }, json: { type: 'boolean' } },
    z.object({
      config: z.string().min(1).optional(),
      sessionId: z.string().min(1).optional(),
      watch: z.boolean().optional(),
      interval: IntFlag(50).optional(),
      json: z.boolean().optional(),
    }),
    STATUS_USAGE,
  );
  const t = await connect();
  try {
    const target = resolveTarget(o, t.queues);
    if (!o.watch) {
      const { state, error } = await queryState(t, target.sessionId);
      const hot = readStatusFile(target.sessionId);
      if (o.json) {
        console.log(JSON.stringify({ sessionId: target.sessionId, state, hotPath: hot }, null, 2));
      } else {
        console.log(renderStatus(buildSnapshot(target.sessionId, state, hot)).join('\n'));
      }
      if (!state) {
        console.error(`session ${target.sessionId}: ${error ?? 'not found'}`);
        return 1;
      }
      return 0;
    }
    const view = new StatusView(process.stdout);
    let stop = false;
    const onSig = () => (stop = true);
    process.once('SIGINT', onSig);
    try {
      while (!stop) {
        view.update(await statusSnapshot(t, target.sessionId));
        await new Promise((r) => setTimeout(r, o.interval ?? 500));
      }
    } finally {
      process.off('SIGINT', onSig);
      view.close();
    }
    return 0;
  } finally {
    await t.close();
  }
}

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'start' && wantsHelp(rest)) {
    console.log(`${START_USAGE}\n\n${envHelp(['hot-path worker'], 'environment variables (the hot-path process)')}`);
    return 0;
  }
  if (!sub || sub === '--help' || sub === '-h' || wantsHelp(rest)) {
    console.log(`${START_USAGE}\n${STATUS_USAGE}`);
    return sub ? 0 : 2;
  }
  if (sub === 'start') return start(rest);
  if (sub === 'status') return status(rest);
  throw new CliError(`unknown subcommand ${JSON.stringify(sub)}\n${START_USAGE}\n${STATUS_USAGE}`);
}
