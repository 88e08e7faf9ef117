/**
 * The cloud profile, proven without the cloud: a TLS terminator in front of the dev server (see
 * tls-terminators.ts), and the real processes — the stop worker (which runs the session
 * workflows), the hot-path worker and `hlx hardstop` — configured only through Temporal's own
 * environment configuration, exactly as against Temporal Cloud:
 *  - mTLS through a TOML profile file (TEMPORAL_CONFIG_FILE + TEMPORAL_PROFILE=cloud);
 *  - an API key through TEMPORAL_* variables (TEMPORAL_ADDRESS, TEMPORAL_API_KEY, the CA).
 * No code differs from the local profile: the same entry points, another environment. The
 * terminators count what they admitted, so the traffic provably went through them, and a
 * stranger's certificate or a wrong key is refused (the CLI fails closed, naming no secret).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Wallet } from 'ethers';
import { connectTestTemporal, devServerAddress, uniqueQueue, type TemporalTestContext } from '../../helpers/temporal';
import { startSimulator, type RunningSimulator } from '../../../src/sim';
import { sessionIdentity, type TaskQueues } from '../../../workers/session-client';
import { isFlat, testConfig, waitUntil, type OperatorEnv } from '../operator/harness';
import { stateQuery, type SessionState } from '../../../workflows/messages';
import { makeTestPki, startApiKeyTerminator, startMtlsTerminator, type Terminator, type TestPki } from './tls-terminators';

jest.setTimeout(300_000);

const ROOT = path.join(__dirname, '..', '..', '..');
const API_KEY = `hlx-test-key-${Math.random().toString(36).slice(2)}`;
const GRPC = '/temporal.api.workflowservice.v1.WorkflowService/';

let tmp: string;
let pki: TestPki;
let mtls: Terminator;
let apiKey: Terminator;
let t: TemporalTestContext;
const children: ChildProcess[] = [];

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hlx-cloud-'));
  fs.mkdirSync(path.join(tmp, 'home'));
  pki = makeTestPki(path.join(tmp, 'pki'));
  mtls = await startMtlsTerminator(pki, devServerAddress());
  apiKey = await startApiKeyTerminator(pki, devServerAddress(), API_KEY);
  t = await connectTestTemporal(); // the test's own observer, straight to the dev server
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(children.map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once('exit', r)) : null)));
  await t?.close();
  await mtls?.close();
  await apiKey?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** The caller's environment without any Temporal connection setting, and a HOME with no config file. */
function bareEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('TEMPORAL_') && k !== 'HLX_TEMPORAL_PROFILE') env[k] = v;
  return { ...env, HOME: path.join(tmp, 'home'), XDG_CONFIG_HOME: path.join(tmp, 'home', '.config'), HLX_TEMPORAL_PROFILE: 'cloud' };
}

function mtlsProfileEnv(cert = pki.clientCert, key = pki.clientKey): NodeJS.ProcessEnv {
  const file = path.join(tmp, `temporal-${path.basename(cert)}.toml`);
  fs.writeFileSync(
    file,
    [
      '[profile.cloud]',
      `address = "${mtls.address}"`,
      'namespace = "default"',
      '[profile.cloud.tls]',
      `client_cert_path = "${cert}"`,
      `client_key_path = "${key}"`,
      `server_ca_cert_path = "${pki.caCert}"`,
      'server_name = "localhost"',
      '',
    ].join('\n'),
  );
  return { ...bareEnv(), TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'cloud' };
}

function apiKeyEnv(key = API_KEY): NodeJS.ProcessEnv {
  return {
    ...bareEnv(),
    TEMPORAL_ADDRESS: apiKey.address,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_API_KEY: key,
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: pki.caCert,
    TEMPORAL_TLS_SERVER_NAME: 'localhost',
  };
}

interface Proc {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function run(script: string[], env: NodeJS.ProcessEnv): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', ...script], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, output: () => out, exited };
}

/** still running, or the test fails with what the process printed */
function alive(p: Proc, what: string): void {
  if (p.child.exitCode !== null) throw new Error(`${what} exited ${p.child.exitCode}:\n${p.output().slice(-2000)}`);
}

async function cli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 150_000): Promise<{ code: number | null; output: string }> {
  const p = run([path.join(ROOT, 'src', 'cli', 'hlx.ts'), ...args], env);
  const timer = setTimeout(() => p.child.kill('SIGKILL'), timeoutMs);
  const code = await p.exited;
  clearTimeout(timer);
  return { code, output: p.output() };
}

function sessionState(sessionId: string): Promise<SessionState> {
  return t.client.workflow.getHandle(sessionId).query(stateQuery);
}

/** A stop worker, a hot-path worker trading on the simulator, then `hlx hardstop`: all through `env`. */
async function sessionThroughTerminator(name: string, env: NodeJS.ProcessEnv): Promise<void> {
  const wallet = Wallet.createRandom();
  const account = wallet.address.toLowerCase();
  const sim: RunningSimulator = await startSimulator({ port: 0, seed: 17, fund: { [account]: '100000' } });
  try {
    const queues: TaskQueues = { session: uniqueQueue(`${name}-session`), stop: uniqueQueue(`${name}-stop`), hotPathPrefix: uniqueQueue(`${name}-hp`) };
    const common = {
      ...env,
      HL_PRIVATE_KEY: wallet.privateKey,
      HLX_TASK_QUEUE_SESSION: queues.session,
      HLX_TASK_QUEUE_STOP: queues.stop,
      HLX_TASK_QUEUE_HOTPATH_PREFIX: queues.hotPathPrefix,
      HLX_STATUS_DIR: path.join(tmp, `status-${name}`),
      HLX_LOG_FORMAT: 'text',
    };
    const stopWorker = run([path.join(ROOT, 'workers', 'stop-worker.ts')], { ...common, HLX_NETWORK: 'sim', HLX_VENUE_HTTP_URL: sim.httpUrl, HLX_ACCOUNT: account });
    await waitUntil(() => stopWorker.output(), (o) => o.includes('stop worker running') || stopWorker.child.exitCode !== null, 180_000, 'the stop worker polling');
    alive(stopWorker, 'the stop worker');

    const config = testConfig({ address: account, sim } as unknown as OperatorEnv, { name });
    const configFile = path.join(tmp, `${name}.json`);
    fs.writeFileSync(configFile, JSON.stringify(config));
    const sessionId = sessionIdentity(config, queues).sessionId;
    const hotPath = run([path.join(ROOT, 'workers', 'hotpath-worker.ts'), '--config', configFile], common);
    await waitUntil(
      () => (hotPath.child.exitCode !== null ? ({ phase: `exited: ${hotPath.output().slice(-600)}` } as unknown as SessionState) : sessionState(sessionId)),
      (s) => s.phase === 'READY_TRADING' || s.phase.startsWith('exited'),
      180_000,
      `session ${sessionId} READY_TRADING`,
    );
    alive(hotPath, 'the hot-path worker');
    // trading for real before the stop: the flatten then has something to do
    await waitUntil(() => sim.admin.state(account), (s) => s.fills.length > 0, 60_000, 'a first fill');

    const stop = await cli(['hardstop', '--reason', `cloud profile ${name}`, '--session-id', sessionId, '--timeout-ms', '120000'], common);
    expect(stop.output).toContain('STOPPED_FLAT');
    expect(stop.code).toBe(0);
    const s = await sessionState(sessionId);
    expect(s.phase).toBe('STOPPED_FLAT');
    expect(s.hardStop).toMatchObject({ reason: 'Operator', source: 'cli' });
    expect(isFlat(sim.admin.state(account))).toBe(true);
    for (const p of [stopWorker, hotPath]) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    // nothing printed the key or the client key material
    for (const out of [stopWorker.output(), hotPath.output(), stop.output]) {
      expect(out).not.toContain(API_KEY);
      expect(out).not.toContain(wallet.privateKey.slice(2));
    }
  } finally {
    await sim.stop();
  }
}

test('mTLS through a TOML profile: stop worker, session and `hlx hardstop` all pass the terminator; a stranger certificate is refused', async () => {
  const env = mtlsProfileEnv();
  await sessionThroughTerminator('mtls', env);
  // three processes, each with its own connections, all presenting the test client certificate
  expect(mtls.admitted.length).toBeGreaterThanOrEqual(3);
  expect(new Set(mtls.admitted)).toEqual(new Set(['hlx-test-client']));
  expect(mtls.refused()).toBe(0);

  const stranger = await cli(['hardstop', '--session-id', 'nobody', '--reason', 'x'], mtlsProfileEnv(pki.strangerCert, pki.strangerKey), 60_000);
  expect(stranger.code).toBe(1);
  expect(stranger.output).toContain(`cannot reach Temporal at ${mtls.address}`);
  expect(mtls.refused()).toBeGreaterThan(0);
  expect(mtls.admitted.filter((cn) => cn !== 'hlx-test-client')).toEqual([]);
});

test('API key through TEMPORAL_* variables: the terminator checks `authorization: Bearer`; a wrong key is refused and never printed', async () => {
  await sessionThroughTerminator('apikey', apiKeyEnv());
  for (const call of ['PollWorkflowTaskQueue', 'PollActivityTaskQueue', 'SignalWorkflowExecution', 'RespondWorkflowTaskCompleted']) {
    expect(apiKey.admitted).toContain(GRPC + call);
  }
  expect(apiKey.refused()).toBe(0);

  const wrong = `wrong-${API_KEY}`;
  const bad = await cli(['hardstop', '--session-id', 'nobody', '--reason', 'x'], apiKeyEnv(wrong), 60_000);
  expect(bad.code).toBe(1);
  expect(bad.output).toContain(`cannot reach Temporal at ${apiKey.address}`);
  expect(bad.output).not.toContain(wrong);
  expect(apiKey.refused()).toBeGreaterThan(0);
});
