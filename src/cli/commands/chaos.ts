/**
 * `hlx chaos [--seeds N] [--seed S] [--active-ms MS]`: adversarial simulation (src/chaos). Runs N
 * seeded fault schedules against the real stack — a Temporal dev server, the simulator, a stop
 * worker and a hot-path worker process for each of two accounts — and checks the invariants from
 * the simulator's ledger, the workflows' histories and the processes' records. S defaults to a
 * random seed (printed). `--seed-list 2,313` runs those seeds; `--regressions` the kept regression
 * cases (src/chaos/regressions.ts), `--ci` the short set of them CI runs. The last line is `chaos: N schedules, V violations`; exit 0 only when V = 0.
 * `make chaos SEEDS=N [SEED=S]` runs this.
 */
import { z } from 'zod';
import { envInput, envObject } from '../../config/env';
import { IntFlag, parseFlags, wantsHelp } from '../operator-args';
import { redactSecrets } from '../../util/log';

export const summary = 'chaos [--seeds N] [--seed S]: seeded fault schedules against the whole stack, invariants checked';

const USAGE = 'usage: hlx chaos [--seeds N] [--seed S | --seed-list S1,S2,… | --regressions | --ci] [--active-ms MS] [--queues shared|per-account]   (S random when omitted; env SEEDS / SEED / SEED_LIST / CHAOS_QUEUES work too)';


export async function run(argv: string[]): Promise<number> {
  if (wantsHelp(argv)) {
    console.log(USAGE);
    return 0;
  }
  const o = parseFlags(
    argv,
    { seeds: { type: 'string' }, seed: { type: 'string' }, 'seed-list': { type: 'string' }, regressions: { type: 'boolean' }, ci: { type: 'boolean' }, 'active-ms': { type: 'string' }, queues: { type: 'string' } },
    z.object({
      seeds: IntFlag(1).optional(),
      seed: IntFlag(0).optional(),
      seedList: z.string().optional(),
      regressions: z.boolean().optional(),
      ci: z.boolean().optional(),
      activeMs: IntFlag(3_000).optional(),
      queues: z.enum(['shared', 'per-account']).optional(),
    }),
    USAGE,
  );
  const CHAOS_VARS = ['SEEDS', 'SEED', 'SEED_LIST', 'CHAOS_QUEUES'] as const;
  const env = envObject(CHAOS_VARS).safeParse(envInput(CHAOS_VARS, process.env));
  if (!env.success) {
    console.error(`hlx chaos: ${env.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}\n${USAGE}`);
    return 2;
  }
  const { CI_SEEDS, REGRESSION_SEEDS, parseSeedList } = await import('../../chaos/regressions');
  let seedList: number[] | undefined;
  try {
    const list = o.seedList ?? env.data.SEED_LIST;
    seedList = o.ci ? [...CI_SEEDS] : o.regressions ? REGRESSION_SEEDS.map((r) => r.seed) : list ? parseSeedList(list) : undefined;
  } catch (e) {
    console.error(`hlx chaos: --seed-list: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const seeds = o.seeds ?? env.data.SEEDS ?? 1;
  const seed = o.seed ?? env.data.SEED ?? Math.floor(Math.random() * 1_000_000);
  const { runChaos, summaryLine } = await import('../../chaos/runner');
  const queues = o.queues ?? env.data.CHAOS_QUEUES ?? 'shared';
  try {
    const s = await runChaos({ seeds, seed, queues, ...(seedList ? { seedList } : {}), ...(o.activeMs ? { activeMs: o.activeMs } : {}) });
    return s.violations === 0 ? 0 : 1;
  } catch (e) {
    // the contract holds even when the stack cannot be brought up: the last line, a failing exit
    console.log(`chaos: could not run: ${redactSecrets(e instanceof Error ? e.message : String(e))}`);
    console.log(summaryLine(0, 1));
    return 1;
  }
}
