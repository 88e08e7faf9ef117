/**
 * Starts and stops a local Temporal dev server (the pinned CLI in .tools/bin), on loopback,
 * with the project's search attributes registered. Used by `make test`, `make demo`, and tests
 * that restart the server in the middle of a stop sequence.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { loadTemporalYaml, PROJECT_ROOT, type TemporalYaml } from '../config/temporal';

export const TEMPORAL_CLI = path.join(PROJECT_ROOT, '.tools', 'bin', 'temporal');

export interface DevServerOptions {
  port?: number; // default: a free loopback port
  uiPort?: number; // set to start the Web UI; omitted = headless
  dbFile?: string; // sqlite file; omitted = in-memory
  logFile?: string;
  yaml?: TemporalYaml;
}

export interface DevServer {
  address: string;
  port: number;
  uiPort?: number;
  dbFile?: string;
  pid: number;
  stop(): Promise<void>;
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function healthy(address: string): boolean {
  const r = spawnSync(
    TEMPORAL_CLI,
    ['operator', 'cluster', 'health', '--address', address, '--disable-config-env', '--disable-config-file'],
    { encoding: 'utf8', timeout: 3000 },
  );
  return r.status === 0 && /SERVING/.test(r.stdout);
}

export async function startDevServer(opts: DevServerOptions = {}): Promise<DevServer> {
  if (!fs.existsSync(TEMPORAL_CLI)) {
    throw new Error(`Temporal CLI not found at ${TEMPORAL_CLI}: run scripts/ensure-temporal.sh (make test does it)`);
  }
  const yaml = opts.yaml ?? loadTemporalYaml();
  const ip = yaml.devServer.ip;
  const port = opts.port ?? (await freePort(ip));
  const args = ['server', 'start-dev', '--ip', ip, '--port', String(port), '--log-level', 'warn'];
  args.push('--dynamic-config-value', 'frontend.enableServerVersionCheck=false');
  args.push('--dynamic-config-value', 'system.enableActivityEagerExecution=true');
  for (const [name, type] of Object.entries(yaml.searchAttributes)) args.push('--search-attribute', `${name}=${type}`);
  if (opts.dbFile) {
    fs.mkdirSync(path.dirname(opts.dbFile), { recursive: true });
    args.push('--db-filename', opts.dbFile);
    // SQLite's defaults (rollback journal, synchronous=FULL) fsync a journal file per commit:
    // with a fleet on one disk every history write queued behind them and activities missed
    // their schedule-to-start. WAL + NORMAL survives the server process dying (what a restart
    // on the same database needs); only a power loss could drop the last commits.
    args.push('--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal');
  }
  if (opts.uiPort) args.push('--ui-ip', ip, '--ui-port', String(opts.uiPort), '--ui-disable-news-fetch');
  else args.push('--headless');
  // Also keep the CLI away from any TEMPORAL_* / config file of the user's shell.
  args.push('--disable-config-env', '--disable-config-file');

  const logFile = opts.logFile ?? path.join(PROJECT_ROOT, '.run', `temporal-${port}.log`);
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const out = fs.openSync(logFile, 'a');
  // Its own process group: a Ctrl+C in the terminal reaches our process (which may be in the
  // middle of a stop sequence that needs this server), not the server; we stop it ourselves.
  const child: ChildProcess = spawn(TEMPORAL_CLI, args, { stdio: ['ignore', out, out], detached: true });
  fs.closeSync(out);
  // ...and if this process exits without calling stop(), the server goes with it
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const address = `${ip}:${port}`;
  let exited: number | null = null;
  child.on('exit', (code) => (exited = code ?? -1));

  const deadline = Date.now() + 60_000;
  while (!healthy(address)) {
    if (exited !== null) {
      throw new Error(`Temporal dev server exited with code ${exited} before it was healthy; see ${logFile}`);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Temporal dev server on ${address} not healthy after 60 s; see ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }

  const stop = async (): Promise<void> => {
    if (exited !== null) return;
    const done = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await done;
    clearTimeout(t);
    process.off('exit', killOnExit);
  };
  return { address, port, uiPort: opts.uiPort, dbFile: opts.dbFile, pid: child.pid!, stop };
}
