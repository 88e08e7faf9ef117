/**
 * One Temporal dev server (started by scripts/with-devserver.ts), one simulator and one stop
 * worker (ORCHESTRATION's, in this process, on queues unique to this file) shared by the tests of
 * a file; hot-path workers run in this process or, where killing them matters, as child processes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { Wallet } from 'ethers';
import { connectTestTemporal, uniqueQueue, type TemporalTestContext } from '../../helpers/temporal';
import { parseSessionConfig, type SessionConfig, type SessionConfigInput } from '../../../src/config/session';
import { HttpClient } from '../../../src/exchange/hyperliquid/http-client';
import { NonceManager } from '../../../src/exchange/hyperliquid/nonce';
import { Signer } from '../../../src/exchange/hyperliquid/signer';
import { VenueClient } from '../../../src/exchange/hyperliquid/venue-client';
import { startSimulator, type RunningSimulator, type SimAccountState } from '../../../src/sim';
import { setLogSink } from '../../../src/util/log';
import { createStopActivities } from '../../../activities/stop';
import { startStopWorker, WORKFLOWS_PATH, type StopWorkerHandle } from '../../../workers/stop-worker';
import { startHotPathWorker, type HotPathWorker } from '../../../workers/hotpath-worker';
import { createWireFor } from '../../../workers/venue-port';
import type { TaskQueues } from '../../../workers/session-client';
import { stateQuery, type SessionPhase, type SessionState } from '../../../workflows/messages';

export const ROOT = path.join(__dirname, '..', '..', '..');

/** worker and activity log lines are kept in memory: the test output stays readable */
export const logLines: string[] = [];
setLogSink({ write: (l) => void (logLines.length < 20_000 && logLines.push(l)) });

export interface OperatorEnv {
  t: TemporalTestContext;
  sim: RunningSimulator;
  signer: Signer;
  privateKey: string;
  address: string;
  queues: TaskQueues;
  stopWorker: StopWorkerHandle;
  tmp: string;
  close(): Promise<void>;
}

export async function startOperatorEnv(): Promise<OperatorEnv> {
  const t = await connectTestTemporal();
  const wallet = Wallet.createRandom();
  const privateKey = wallet.privateKey;
  const signer = Signer.fromPrivateKey(privateKey);
  const address = signer.address.toLowerCase();
  const sim = await startSimulator({ port: 0, seed: 11, fund: { [address]: '100000' } });
  const queues: TaskQueues = { session: uniqueQueue('op-session'), stop: uniqueQueue('op-stop'), hotPathPrefix: uniqueQueue('op-hp') };
  const activities = createStopActivities({ venue: new HttpClient(sim.httpUrl), signer, nonces: new NonceManager(), account: address, isMainnet: false });
  const stopWorker = await startStopWorker({
    connection: t.nativeConnection,
    namespace: t.namespace,
    queues,
    activities,
    account: address,
    workflowBundle: await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger }),
    workerSettings: { stickyQueueScheduleToStartTimeout: '1s', shutdownGraceTime: '1s' },
  });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hlx-operator-'));
  return {
    t,
    sim,
    signer,
    privateKey,
    address,
    queues,
    stopWorker,
    tmp,
    async close() {
      await stopWorker.shutdown().catch(() => {});
      await sim.stop().catch(() => {});
      await t.close().catch(() => {});
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}
const quietLogger = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never;

let seq = 0;
/** A session config against the simulator; risk thresholds high unless a test lowers one. */
export function testConfig(
  env: OperatorEnv,
  over: { risk?: Partial<SessionConfigInput['risk']>; goNoGo?: SessionConfigInput['goNoGo']; strategy?: SessionConfigInput['strategy']; name?: string } = {},
): SessionConfig {
  const name = `${over.name ?? 't'}-${process.pid}-${++seq}-${Math.random().toString(36).slice(2, 6)}`;
  return parseSessionConfig({
    account: { address: env.address },
    venue: { network: 'sim', httpUrl: env.sim.httpUrl, wsUrl: env.sim.wsUrl },
    signer: { privateKeyEnv: 'HL_PRIVATE_KEY' },
    markets: ['BTC', 'ETH', 'SOL'],
    strategy: over.strategy ?? { kind: 'demo', orderNotionalUsd: '15', holdMs: 1500, cooldownMs: 300, aggressionBps: 50 },
    limits: { maxNotionalPerMarketUsd: '100', maxNotionalTotalUsd: '250' },
    risk: {
      maxCumulativeLossUsd: '1000',
      maxConsecutiveLosses: 1000,
      rejectBurstCount: 1000,
      rejectWindowMs: 10_000,
      maxFillSlippageBps: 5000,
      maxDisconnectMs: 60_000,
      ...over.risk,
    },
    goNoGo: over.goNoGo ?? { checkpoints: [{ trades: 100_000, minMeanEdgeBps: -100_000, maxMeanSlippageBps: 100_000, minPnlCumulativeUsd: '-100000' }] },
    executor: { tickIntervalMs: 20 },
    session: { id: name },
  });
}

/** The hot-path worker in this process (the RiskMonitor triggers, the operator signal). */
export async function startInProcessWorker(env: OperatorEnv, config: SessionConfig): Promise<HotPathWorker> {
  const venue = VenueClient.fromEndpoints({ httpUrl: env.sim.httpUrl, wsUrl: env.sim.wsUrl, isMainnet: false });
  return startHotPathWorker({
    config,
    client: env.t.client,
    connection: env.t.nativeConnection,
    namespace: env.t.namespace,
    queues: env.queues,
    venue,
    wire: await createWireFor(config, env.signer),
  });
}

export interface ChildWorker {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  statusDir: string;
}

/** SIGKILLs every child still running (a finished test's worker must not go on trading on the shared account). */
export function killLive(children: readonly ChildWorker[]): void {
  for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
}

/** The hot-path worker as its own process (tsx workers/hotpath-worker.ts --config FILE). */
export function spawnWorker(env: OperatorEnv, config: SessionConfig, extraEnv: Record<string, string> = {}): ChildWorker {
  const file = path.join(env.tmp, `${config.session.id}.yaml`);
  fs.writeFileSync(file, JSON.stringify(config));
  const statusDir = path.join(env.tmp, 'status');
  // `node --import tsx`, not the tsx CLI: the CLI runs the script in a grandchild that a SIGKILL of the child would not reach
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'workers', 'hotpath-worker.ts'), '--config', file], {
    cwd: ROOT,
    env: {
      ...process.env,
      HL_PRIVATE_KEY: env.privateKey,
      HLX_TASK_QUEUE_SESSION: env.queues.session,
      HLX_TASK_QUEUE_STOP: env.queues.stop,
      HLX_TASK_QUEUE_HOTPATH_PREFIX: env.queues.hotPathPrefix,
      HLX_STATUS_DIR: statusDir,
      HLX_STATE_DIR: path.join(env.tmp, 'state'),
      HLX_LOG_LEVEL: 'info',
      HLX_LOG_FORMAT: 'text',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
  return { child, output: () => out, exited, statusDir };
}

/** `hlx …` as a child process (async: this process runs the workers the command talks to). */
export function runCli(env: OperatorEnv, args: string[], timeoutMs = 60_000): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [require.resolve('tsx/cli'), path.join(ROOT, 'src', 'cli', 'hlx.ts'), ...args], {
      cwd: ROOT,
      env: {
        ...process.env,
        HLX_TASK_QUEUE_SESSION: env.queues.session,
        HLX_TASK_QUEUE_STOP: env.queues.stop,
        HLX_TASK_QUEUE_HOTPATH_PREFIX: env.queues.hotPathPrefix,
        HLX_STATUS_DIR: path.join(env.tmp, 'status'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitUntil<T>(probe: () => Promise<T> | T, ok: (v: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    try {
      last = await probe();
      if (ok(last)) return last;
    } catch {
      /* not yet */
    }
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(last)?.slice(0, 800)}`);
    await sleep(50);
  }
}

export function sessionState(env: OperatorEnv, sessionId: string): Promise<SessionState> {
  return env.t.client.workflow.getHandle(sessionId).query(stateQuery);
}

export function waitForPhase(env: OperatorEnv, sessionId: string, phases: SessionPhase[], timeoutMs = 30_000): Promise<SessionState> {
  return waitUntil(() => sessionState(env, sessionId), (s) => phases.includes(s.phase), timeoutMs, `phase ${phases.join('|')} of ${sessionId}`);
}

export function isFlat(s: SimAccountState): boolean {
  return s.positions.every((p) => Number(p.szi) === 0) && s.openOrders.length === 0;
}

export function openPositions(s: SimAccountState): SimAccountState['positions'] {
  return s.positions.filter((p) => Number(p.szi) !== 0);
}
