/**
 * `hlx chaos [--seeds N] [--seed S] [--active-ms MS]`: adversarial simulation (src/chaos). Runs N
 * seeded fault schedules against the real stack — a Temporal dev server, the simulator, a stop
 * worker and a hot-path worker process for each of two accounts — and checks the invariants from
 * the simulator's ledger, the workflows' histories and the processes' records. S defaults to a
 * random seed (printed). The last line is `chaos: N schedules, V violations`; exit 0 only when V = 0.
 * `make chaos SEEDS=N [SEED=S]` runs this.
 */
import { z } from 'zod';
import { envInput, envObject } from '../../config/env';
import { IntFlag, parseFlags, wantsHelp } from '../operator-args';
import { redactSecrets } from '../../util/log';

export const summary = 'chaos [--seeds N] [--seed S]: seeded fault schedules against the whole stack, invariants checked';

const USAGE = 'usage: hlx chaos [--seeds N] [--seed S] [--active-ms MS] [--queues shared|per-account]   (S random when omitted; env SEEDS / SEED / CHAOS_QUEUES work too)';


export async function run(argv: string[]): Promise<number> {
  if (wantsHelp(argv)) {
    console.log(USAGE);
    return 0;
  }
  const o = parseFlags(
    argv,
    { seeds: { type: 'string' }, seed: { type: 'string' }, 'active-ms': { type: 'string' }, queues: { type: 'string' } },
    z.object({ seeds: IntFlag(1).optional(), seed: IntFlag(0).optional(), activeMs: IntFlag(3_000).optional(), queues: z.enum(['shared', 'per-account']).optional() }),
    USAGE,
  );
  const CHAOS_VARS = ['SEEDS', 'SEED', 'CHAOS_QUEUES'] as const;
  const env = envObject(CHAOS_VARS).safeParse(envInput(CHAOS_VARS, process.env));
  if (!env.success) {
    console.error(`hlx chaos: ${env.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}\n${USAGE}`);
    return 2;
  }
  const seeds = o.seeds ?? env.data.SEEDS ?? 1;
  const seed = o.seed ?? env.data.SEED ?? Math.floor(Math.random() * 1_000_000);
  const { runChaos, summaryLine } = await import('../../chaos/runner');
  const queues = o.queues ?? env.data.CHAOS_QUEUES ?? 'shared';
  try {
    const s = await runChaos({ seeds, seed, queues, ...(o.activeMs ? { activeMs: o.activeMs } : {}) });
    return s.violations === 0 ? 0 : 1;
  } catch (e) {
    // the contract holds even when the stack cannot be brought up: the last line, a failing exit
    console.log(`chaos: could not run: ${redactSecrets(e instanceof Error ? e.message : String(e))}`);
    console.log(summaryLine(0, 1));
    return 1;
  }
}
