/**
 * `hlx abandon --note TEXT [--operator NAME] [--session-id ID | --config FILE]`: give a running
 * (or failed) stop up, on purpose. The stop never gives up by itself while exposure remains; this
 * is how a person takes over (the workflow accepts it only while a stop is in force or failed,
 * and with a note). Whatever is still open on the venue is then the operator's to handle: the
 * session ends STOP_ABANDONED and never trades again until a new HardStop reaches flat and an
 * operator resumes it.
 *
 * The same from Temporal's own CLI:
 *   temporal workflow update execute --workflow-id <sessionId> --name abandon --input '{"note":"why"}'
 */
import * as os from 'node:os';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { z } from 'zod';
import { CliError } from '../errors';
import { parseFlags } from '../operator-args';
import { connectForCli, resolveTarget } from '../session-target';
import { abandonUpdate, stateQuery } from '../../../workflows/messages';

export const summary = 'abandon --note TEXT [--session-id ID | --config FILE]: give a running stop up (exposure may remain)';

const USAGE = 'usage: hlx abandon --note TEXT [--operator NAME] [--session-id ID | --config FILE]';

export async function run(argv: string[]): Promise<number> {
  const o = parseFlags(
    argv,
    { note: { type: 'string' }, operator: { type: 'string' }, 'session-id': { type: 'string' }, config: { type: 'string' } },
    z.object({
      note: z.string({ message: 'required: why the stop is given up and who handles the exposure' }).trim().min(1, 'must not be empty'),
      operator: z.string().min(1).optional(),
      sessionId: z.string().min(1).optional(),
      config: z.string().min(1).optional(),
    }),
    USAGE,
  );
  const t = await connectForCli();
  try {
    const target = resolveTarget(o, t.queues);
    const h = t.client.workflow.getHandle(target.sessionId);
    try {
      await h.executeUpdate(abandonUpdate, { args: [{ note: o.note, operator: o.operator ?? os.userInfo().username }] });
    } catch (e) {
      const cause = e instanceof WorkflowUpdateFailedError && e.cause ? e.cause.message : (e as Error).message;
      throw new CliError(`abandon refused for ${target.sessionId}: ${cause}`, 1);
    }
    // The running stop ends at its next round boundary: wait (bounded) to say what is left.
    const until = Date.now() + 30_000;
    for (;;) {
      const s = await h.query(stateQuery);
      if (s.phase === 'STOP_ABANDONED' || s.phase === 'STOPPED_FLAT' || Date.now() > until) {
        const left = s.positions.map((p) => `${p.coin} ${p.szi}`).join(', ') || 'none';
        console.log(`${target.sessionId}: phase ${s.phase}; positions last seen: ${left}`);
        if (s.phase === 'STOP_ABANDONED' && s.positions.length > 0) console.log('exposure remains on the venue: it is yours to handle now');
        return 0;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await t.close();
  }
}
