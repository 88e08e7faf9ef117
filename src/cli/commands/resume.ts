/**
 * `hlx resume --note TEXT [--operator NAME] [--reset-streak] [--session-id ID | --config FILE]`: the
 * operator's explicit resume of a stopped session (the workflow accepts it only in STOPPED_FLAT and
 * with a note). A running hot-path worker then rebuilds its hot path and trades again once READY,
 * with the session's risk counters restored: the losing streak is reset only with --reset-streak,
 * the cumulative loss never within a session.
 *
 * With --market COIN it lifts a market-scoped stop instead (`hlx hardstop --market`): accepted once
 * that market's stop ended STOPPED_FLAT; the hot path trades that market again.
 *
 * The same from Temporal's own CLI:
 *   temporal workflow update execute --workflow-id <sessionId> --name resume --input '{"note":"why"}'
 *   temporal workflow update execute --workflow-id <sessionId> --name marketResume --input '{"coin":"SOL","note":"why"}'
 */
import * as os from 'node:os';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { z } from 'zod';
import { CliError } from '../errors';
import { parseFlags } from '../operator-args';
import { connectForCli, resolveTarget } from '../session-target';
import { marketResumeUpdate, resumeUpdate } from '../../../workflows/messages';

export const summary = 'resume --note TEXT [--session-id ID | --config FILE]: resume a session stopped flat';

const USAGE = 'usage: hlx resume --note TEXT [--market COIN] [--operator NAME] [--reset-streak] [--session-id ID | --config FILE]';

export async function run(argv: string[]): Promise<number> {
  const o = parseFlags(
    argv,
    { note: { type: 'string' }, operator: { type: 'string' }, 'session-id': { type: 'string' }, config: { type: 'string' }, market: { type: 'string' }, 'reset-streak': { type: 'boolean' } },
    z.object({
      note: z.string({ message: 'required: why trading may resume' }).trim().min(1, 'must not be empty'),
      operator: z.string().min(1).optional(),
      sessionId: z.string().min(1).optional(),
      config: z.string().min(1).optional(),
      market: z.string().regex(/^[A-Za-z0-9:_-]{1,32}$/, 'a perp coin name such as "SOL"').optional(),
      resetStreak: z.boolean().optional(),
    }),
    USAGE,
  );
  const t = await connectForCli();
  try {
    const target = resolveTarget(o, t.queues);
    if (o.market) {
      try {
        const s = await t.client.workflow
          .getHandle(target.sessionId)
          .executeUpdate(marketResumeUpdate, { args: [{ coin: o.market, note: o.note, operator: o.operator ?? os.userInfo().username }] });
        console.log(`resumed ${o.market} in ${target.sessionId}: it trades again (session phase ${s.phase})`);
        return 0;
      } catch (e) {
        const cause = e instanceof WorkflowUpdateFailedError && e.cause ? e.cause.message : (e as Error).message;
        throw new CliError(`market resume refused for ${o.market} in ${target.sessionId}: ${cause}`, 1);
      }
    }
    try {
      const s = await t.client.workflow
        .getHandle(target.sessionId)
        .executeUpdate(resumeUpdate, { args: [{ note: o.note, operator: o.operator ?? os.userInfo().username, ...(o.resetStreak ? { resetStreak: true } : {}) }] });
      console.log(`resumed ${target.sessionId}: phase ${s.phase}${o.resetStreak ? ' (losing streak reset; cumulative loss kept)' : ''}`);
      return 0;
    } catch (e) {
      const cause = e instanceof WorkflowUpdateFailedError && e.cause ? e.cause.message : (e as Error).message;
      throw new CliError(`resume refused for ${target.sessionId}: ${cause}`, 1);
    }
  } finally {
    await t.close();
  }
}
