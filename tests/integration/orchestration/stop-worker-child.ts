/**
 * The stop worker as its own process (workers/stop-worker.ts under node with tsx), configured only by
 * environment, as it would run on another host. Output is collected for assertions.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

export interface StopWorkerChild {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): void;
}

export function spawnStopWorker(o: { httpUrl: string; account: string; key: string; queues: { session: string; stop: string }; identity?: string }): StopWorkerChild {
  const root = path.join(__dirname, '..', '..', '..');
  let out = '';
  // node itself runs the worker (tsx as a loader, not the tsx CLI, which would put a second
  // process in between): a SIGKILL then kills the worker, as a crash would
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'workers', 'stop-worker.ts')], {
    cwd: root,
    env: {
      ...process.env,
      HLX_NETWORK: 'sim',
      HLX_VENUE_HTTP_URL: o.httpUrl,
      HLX_ACCOUNT: o.account,
      HL_PRIVATE_KEY: o.key,
      HLX_TASK_QUEUE_SESSION: o.queues.session,
      HLX_TASK_QUEUE_STOP: o.queues.stop,
      HLX_LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  return {
    child,
    output: () => out,
    exited,
    kill: (s) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(s);
    },
  };
}
