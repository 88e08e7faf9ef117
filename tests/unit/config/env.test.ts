import { EnvError, ENV_DOCS, ENV_SCHEMAS, envHelp, parseEnv, readEnv } from '../../../src/config/env';
import { parseStopWorkerEnv } from '../../../workers/stop-worker';
import { resolveMetricsSettings } from '../../../src/metrics/config';
import { workerBuildFromEnv } from '../../../workers/worker-options';
import { taskQueuesFrom } from '../../../workers/session-client';
import { loadTemporalYaml } from '../../../src/config/temporal';
import { createLogger, setLogSink } from '../../../src/util/log';

const KEY = '0x' + 'ab'.repeat(32);
const ACCOUNT = '0x' + '12'.repeat(20);

function errorOf(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

describe('src/config/env: every variable parsed with zod, errors name the variable', () => {
  it('declares a doc for every schema and nothing else', () => {
    expect(Object.keys(ENV_DOCS).sort()).toEqual(Object.keys(ENV_SCHEMAS).sort());
  });

  it('a bad value is refused naming the variable, not echoing the value', () => {
    const e = errorOf(() => readEnv('HLX_METRICS_PORT', { HLX_METRICS_PORT: '70000x' }));
    expect(e).toBeInstanceOf(EnvError);
    expect(e.message).toMatch(/HLX_METRICS_PORT: a port number/);
    expect(e.message).not.toContain('70000x');
  });

  it('a malformed private key names HL_PRIVATE_KEY and never contains the key', () => {
    const bad = KEY.slice(0, -1) + 'z';
    const e = errorOf(() => parseEnv(['HL_PRIVATE_KEY'], { HL_PRIVATE_KEY: bad }));
    expect(e.message).toContain('HL_PRIVATE_KEY');
    expect(e.message).not.toContain(bad);
    expect(e.message).not.toContain(bad.slice(2, 20));
  });

  it('the stop worker env: a bad URL and a bad account are each named; the key stays out', () => {
    const e = errorOf(() => parseStopWorkerEnv({ HL_PRIVATE_KEY: KEY, HLX_ACCOUNT: 'nope', HLX_VENUE_HTTP_URL: 'not a url', HLX_NETWORK: 'moon' }));
    expect(e.message).toContain('HLX_ACCOUNT');
    expect(e.message).toContain('HLX_VENUE_HTTP_URL');
    expect(e.message).toContain('HLX_NETWORK');
    expect(e.message).not.toContain(KEY);
    expect(e.message).not.toContain(KEY.slice(2));
  });

  it('the stop worker env: no key at all is named; a good env parses with its defaults', () => {
    expect(errorOf(() => parseStopWorkerEnv({ HLX_ACCOUNT: ACCOUNT })).message).toContain('HL_PRIVATE_KEY');
    const env = parseStopWorkerEnv({ HL_PRIVATE_KEY: KEY, HLX_ACCOUNT: ACCOUNT, HLX_VENUE_HTTP_URL: '' });
    expect(env).toMatchObject({ HLX_NETWORK: 'sim', HLX_STOP_WORKER_SESSION: '1', HLX_ACCOUNT: ACCOUNT });
    expect(env.HLX_VENUE_HTTP_URL).toBeUndefined();
  });

  it('a keystore password never appears in an error', () => {
    const pw = 'correct horse battery staple';
    const e = errorOf(() => parseStopWorkerEnv({ HLX_KEYSTORE: '/k.json', HLX_KEYSTORE_PASSWORD: pw, HLX_ACCOUNT: 'x' }));
    expect(e.message).toContain('HLX_ACCOUNT');
    expect(e.message).not.toContain(pw);
  });

  it('an empty string counts as unset (as every reader treated it)', () => {
    expect(readEnv('HLX_STATE_DIR', { HLX_STATE_DIR: '' })).toBeUndefined();
    expect(readEnv('HLX_WORKER_DEPLOYMENT', { HLX_WORKER_DEPLOYMENT: '' })).toBe('hl-executor');
  });

  it('the readers parse through the module: metrics, worker build, task queues, Temporal temporal-profile', () => {
    expect(() => resolveMetricsSettings(undefined, { HLX_METRICS_HOST: 'a b' })).toThrow(/HLX_METRICS_HOST/);
    expect(() => workerBuildFromEnv({ HLX_BUILD_ID: 'has space' })).toThrow(/HLX_BUILD_ID/);
    const yaml = loadTemporalYaml();
    expect(() => taskQueuesFrom(yaml, { HLX_TASK_QUEUE_STOP: 'a queue' })).toThrow(/HLX_TASK_QUEUE_STOP/);
    expect(taskQueuesFrom(yaml, { HLX_TASK_QUEUE_STOP: 'q-stop' }).stop).toBe('q-stop');
    expect(taskQueuesFrom(yaml, { HLX_TASK_QUEUE_STOP: '' }).stop).toBe(yaml.taskQueues.stop);
  });

  it('--help text lists the variables a reader reads, test-only switches left out', () => {
    const stop = envHelp(['stop worker']);
    for (const n of ['HLX_VENUE_HTTP_URL', 'HLX_ACCOUNT', 'HLX_TASK_QUEUE_STOP', 'HL_PRIVATE_KEY', 'TEMPORAL_ADDRESS']) expect(stop).toContain(n);
    expect(stop).not.toContain('HLX_CHAOS_INJECT');
    expect(stop).not.toContain('HLX_SESSION_CONFIG');
    expect(envHelp(['hot-path worker'])).toContain('HLX_STATUS_DIR');
  });
});

describe('HLX_LOG_LEVEL / HLX_LOG_FORMAT through the module', () => {
  it('a bad level falls back to info and says so once on stderr, naming the variable', () => {
    const lines: string[] = [];
    const errs: string[] = [];
    const saved = process.env.HLX_LOG_LEVEL;
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => (errs.push(String(s)), true)) as typeof process.stderr.write;
    setLogSink({ write: (l) => void lines.push(l) });
    try {
      process.env.HLX_LOG_LEVEL = 'verbose';
      const log = createLogger('t');
      log.debug('hidden');
      log.info('shown');
      log.info('shown again');
    } finally {
      process.stderr.write = write;
      setLogSink(undefined);
      if (saved === undefined) delete process.env.HLX_LOG_LEVEL;
      else process.env.HLX_LOG_LEVEL = saved;
    }
    expect(lines.filter((l) => l.includes('shown')).length).toBe(2);
    expect(lines.some((l) => l.includes('hidden'))).toBe(false);
    expect(errs.filter((e) => e.includes('HLX_LOG_LEVEL')).length).toBe(1);
  });
});
