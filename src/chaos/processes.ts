/**
 * The processes of one chaos schedule, started the way an operator starts them: `hlx session
 * start --config FILE` for each account's hot path and `hlx worker stop` (workers/stop-worker.ts,
 * configured by HLX_* environment) for each account's stop worker. Each runs as `node --import
 * tsx …` so a SIGKILL reaches the process itself, not a wrapper. Output goes to a log file per
 * process (kept for the key-leak check and for a failing schedule's post-mortem).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../config/temporal';

export type Role = 'hotpath' | 'stop';

export interface ManagedProcess {
  role: Role;
  account: number;
  child: ChildProcess;
  pid: number;
  /** `${pid}@${hostname}`: the Temporal SDK's default worker identity */
  identity: string;
  logFile: string;
  startedAt: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  alive(): boolean;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface ProcessEnv {
  dir: string;
  temporalAddress: string;
  namespace: string;
  statusDir: string;
}

const HLX = path.join(PROJECT_ROOT, 'src', 'cli', 'hlx.ts');
const STOP_WORKER = path.join(PROJECT_ROOT, 'workers', 'stop-worker.ts');

/** The environment every child shares: this schedule's Temporal namespace, no key of ours. */
export function baseEnv(e: ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.HL_PRIVATE_KEY;
  for (const k of Object.keys(env)) if (k.startsWith('TEMPORAL_')) delete env[k];
  return {
    ...env,
    TEMPORAL_ADDRESS: e.temporalAddress,
    TEMPORAL_NAMESPACE: e.namespace,
    HLX_TEMPORAL_PROFILE: 'local',
    HLX_STATUS_DIR: e.statusDir,
    HLX_LOG_LEVEL: 'info',
    HLX_LOG_FORMAT: 'text',
  };
}

let seq = 0;
function spawnLogged(e: ProcessEnv, role: Role, account: number, args: string[], env: NodeJS.ProcessEnv): ManagedProcess {
  const logFile = path.join(e.dir, `${role}-${account}-${++seq}.log`);
  const out = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: PROJECT_ROOT, env, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
  const p: ManagedProcess = {
    role,
    account,
    child,
    pid: child.pid ?? -1,
    identity: `${child.pid}@${os.hostname()}`,
    logFile,
    startedAt: Date.now(),
    exited,
    alive: () => child.exitCode === null && child.signalCode === null,
  };
  return p;
}

export function spawnHotPath(e: ProcessEnv, account: number, configFile: string, privateKey: string, extra: NodeJS.ProcessEnv = {}): ManagedProcess {
  return spawnLogged(e, 'hotpath', account, [HLX, 'session', 'start', '--config', configFile, '--stop-wait-ms', '20000'], { ...baseEnv(e), ...extra, HL_PRIVATE_KEY: privateKey });
}

export function spawnStopWorker(e: ProcessEnv, account: number, o: { httpUrl: string; address: string; agentKey: string }, extra: NodeJS.ProcessEnv = {}): ManagedProcess {
  return spawnLogged(e, 'stop', account, [STOP_WORKER], {
    ...baseEnv(e),
    ...extra,
    HLX_NETWORK: 'sim',
    HLX_VENUE_HTTP_URL: o.httpUrl,
    HLX_ACCOUNT: o.address,
    HL_PRIVATE_KEY: o.agentKey,
  });
}

/** `hlx …` as an operator would type it; resolves with its exit code and output. */
export function runHlx(e: ProcessEnv, args: string[], timeoutMs = 60_000): Promise<CliResult> {
  return runCommand(process.execPath, ['--import', 'tsx', HLX, ...args], baseEnv(e), timeoutMs);
}

export function runCommand(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: -1, stdout, stderr: stderr + String(err) });
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export async function killAndWait(p: ManagedProcess | undefined, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (!p || !p.alive()) return;
  p.child.kill(signal);
  await p.exited;
}
