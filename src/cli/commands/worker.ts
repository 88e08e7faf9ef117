/**
 * `hlx worker hotpath --config FILE`: the hot-path worker alone (the session workflow is started
 * by it on demand; `hlx session start` is the same plus a banner and --watch).
 * `hlx worker stop`: the stateless stop worker (workers/stop-worker.ts), configured by
 * environment (src/config/env.ts; `hlx worker stop --help` lists the variables).
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { z } from 'zod';
import { PROJECT_ROOT } from '../../config/temporal';
import { CliError } from '../errors';
import { IntFlag, parseFlags, wantsHelp } from '../operator-args';
import { envHelp } from '../../config/env';

export const summary = 'worker hotpath --config FILE | worker stop: run a worker in the foreground';

const USAGE = 'usage: hlx worker hotpath --config FILE [--stop-wait-ms MS]\n       hlx worker stop   (configured by HLX_* environment variables)';

/** Said in --help because a supervisor or a user waits for it before sending work. */
const READY = {
  stop: 'When it is polling, the stop worker prints one line:\n  stop worker ready: polling <queues> as <identity> for account <0x…> (network <sim|testnet|mainnet>)',
  hotpath: 'When it is polling, the hot-path worker prints one line:\n  hot-path worker ready: polling <its queue> as <identity> for account <0x…> (network <…>)',
};

export function workerHelp(kind?: 'stop' | 'hotpath'): string {
  if (kind === 'stop') return [USAGE, '', READY.stop, '', envHelp(['stop worker'], 'environment variables (hlx worker stop)')].join('\n');
  if (kind === 'hotpath') return [USAGE, '', READY.hotpath, '', envHelp(['hot-path worker'], 'environment variables (hlx worker hotpath)')].join('\n');
  return [USAGE, '', READY.stop, READY.hotpath, '', envHelp(['stop worker'], 'environment variables (hlx worker stop)'), '', envHelp(['hot-path worker'], 'environment variables (hlx worker hotpath)')].join('\n');
}

async function hotpath(argv: string[]): Promise<number> {
  const o = parseFlags(
    argv,
    { config: { type: 'string' }, 'stop-wait-ms': { type: 'string' } },
    z.object({ config: z.string({ message: 'required: the session YAML file' }).min(1), stopWaitMs: IntFlag().optional() }),
    USAGE,
  );
  const { runHotPathProcess } = await import('../../../workers/hotpath/process');
  return runHotPathProcess({ configFile: o.config, stopWaitMs: o.stopWaitMs });
}

/** The stop worker runs as its own process (its module's main), with signals passed through. */
async function stop(argv: string[]): Promise<number> {
  parseFlags(argv, {}, z.object({}), USAGE);
  const tsx = require.resolve('tsx/cli');
  const child = spawn(process.execPath, [tsx, path.join(PROJECT_ROOT, 'workers', 'stop-worker.ts')], { stdio: 'inherit', env: process.env });
  const forward = (sig: NodeJS.Signals) => child.kill(sig);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  try {
    return await new Promise<number>((resolve) => child.on('exit', (code, sig) => resolve(code ?? (sig ? 130 : 1))));
  } finally {
    process.off('SIGINT', forward);
    process.off('SIGTERM', forward);
  }
}

export async function run(argv: string[]): Promise<number> {
  const [kind, ...rest] = argv;
  if ((kind === 'hotpath' || kind === 'stop') && wantsHelp(rest)) {
    console.log(workerHelp(kind));
    return 0;
  }
  if (kind === 'hotpath') return hotpath(rest);
  if (kind === 'stop') return stop(rest);
  if (kind === '--help' || kind === '-h') {
    console.log(workerHelp());
    return 0;
  }
  throw new CliError(`${kind ? `unknown worker ${JSON.stringify(kind)}` : 'which worker?'}\n${USAGE}`);
}
