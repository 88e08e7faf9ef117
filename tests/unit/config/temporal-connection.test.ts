/**
 * The Temporal connection comes from Temporal's own environment configuration (TOML profiles and
 * TEMPORAL_* variables, via @temporalio/envconfig), the local dev server when none is set, and
 * fails closed on everything that would connect more quietly than asked.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError, loadTemporalYaml, resolveTemporalConnection } from '../../../src/config/temporal';

const yaml = loadTemporalYaml();
let dir: string;
/** an environment with nothing of the caller's: HOME points at an empty folder */
let base: NodeJS.ProcessEnv;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hlx-temporal-conn-'));
  fs.mkdirSync(path.join(dir, 'home'));
  fs.writeFileSync(path.join(dir, 'client.pem'), 'CERT');
  fs.writeFileSync(path.join(dir, 'client.key'), 'KEY');
  fs.writeFileSync(path.join(dir, 'ca.pem'), 'CA');
  base = { HOME: path.join(dir, 'home') };
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function toml(name: string, text: string): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, text);
  return f;
}

function error(env: NodeJS.ProcessEnv): string {
  try {
    resolveTemporalConnection(yaml, env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
}

test('nothing configured: the local dev server of temporal.yaml, plaintext', () => {
  const s = resolveTemporalConnection(yaml, base);
  expect(s).toMatchObject({ profile: 'local', address: `${yaml.devServer.ip}:${yaml.devServer.port}`, namespace: 'default', auth: 'none' });
  expect(s.connectionOptions).toEqual({ address: `${yaml.devServer.ip}:${yaml.devServer.port}` });
  expect(resolveTemporalConnection(yaml, { ...base, HLX_TEMPORAL_PROFILE: 'local' }).auth).toBe('none');
});

test('TEMPORAL_* variables alone: an API key switches TLS on and is sent as the key', () => {
  const s = resolveTemporalConnection(yaml, { ...base, TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_NAMESPACE: 'ns.acct', TEMPORAL_API_KEY: 'k-123' });
  expect(s).toMatchObject({ address: 'ns.acct.tmprl.cloud:7233', namespace: 'ns.acct', auth: 'api-key' });
  expect(s.connectionOptions).toEqual({ address: 'ns.acct.tmprl.cloud:7233', apiKey: 'k-123', tls: true });
  expect(s.source).not.toContain('k-123');
});

test('a TOML profile with mTLS: files read, CA and server name passed; variables override fields', () => {
  const file = toml(
    'mtls.toml',
    `[profile.cloud]\naddress = "127.0.0.1:7999"\nnamespace = "prod"\n[profile.cloud.tls]\nclient_cert_path = "${dir}/client.pem"\nclient_key_path = "${dir}/client.key"\nserver_ca_cert_path = "${dir}/ca.pem"\nserver_name = "localhost"\n`,
  );
  const s = resolveTemporalConnection(yaml, { ...base, TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'cloud' });
  expect(s).toMatchObject({ profile: 'cloud', address: '127.0.0.1:7999', namespace: 'prod', auth: 'mtls' });
  const tls = s.connectionOptions.tls as { clientCertPair: { crt: Buffer; key: Buffer }; serverRootCACertificate: Buffer; serverNameOverride: string };
  expect(tls.clientCertPair.crt.toString()).toBe('CERT');
  expect(tls.clientCertPair.key.toString()).toBe('KEY');
  expect(tls.serverRootCACertificate.toString()).toBe('CA');
  expect(tls.serverNameOverride).toBe('localhost');
  const o = resolveTemporalConnection(yaml, { ...base, TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'cloud', TEMPORAL_NAMESPACE: 'staging' });
  expect(o.namespace).toBe('staging');
});

test('the default file (~/.config/temporalio/temporal.toml) and profile `default` are found without any variable', () => {
  const home = path.join(dir, 'home2');
  fs.mkdirSync(path.join(home, '.config', 'temporalio'), { recursive: true });
  fs.writeFileSync(path.join(home, '.config', 'temporalio', 'temporal.toml'), '[profile.default]\naddress = "10.0.0.5:7233"\nnamespace = "team"\n');
  expect(resolveTemporalConnection(yaml, { HOME: home })).toMatchObject({ address: '10.0.0.5:7233', namespace: 'team', auth: 'none' });
});

test('fails closed: missing file, unknown profile or key, half an mTLS pair, unreadable TLS file, key in clear, cloud without address', () => {
  expect(error({ ...base, TEMPORAL_CONFIG_FILE: path.join(dir, 'nope.toml') })).toMatch(/TEMPORAL_CONFIG_FILE: .*nope\.toml does not exist/);
  const file = toml('one.toml', '[profile.a]\naddress = "127.0.0.1:1"\n');
  expect(error({ ...base, TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'b' })).toMatch(/TEMPORAL_PROFILE=b.*Profile 'b' not found/);
  expect(error({ ...base, TEMPORAL_CONFIG_FILE: toml('typo.toml', '[profile.a]\nadress = "127.0.0.1:1"\n'), TEMPORAL_PROFILE: 'a' })).toMatch(/unrecognized in profile\.a: adress/);
  expect(error({ ...base, TEMPORAL_ADDRESS: '127.0.0.1:1', TEMPORAL_TLS_CLIENT_CERT_PATH: `${dir}/client.pem` })).toMatch(/client certificate and its key are both needed/);
  expect(error({ ...base, TEMPORAL_ADDRESS: '127.0.0.1:1', TEMPORAL_TLS_CLIENT_CERT_PATH: `${dir}/gone.pem`, TEMPORAL_TLS_CLIENT_KEY_PATH: `${dir}/client.key` })).toMatch(/TLS files.*gone\.pem/);
  const clear = error({ ...base, TEMPORAL_ADDRESS: '127.0.0.1:1', TEMPORAL_API_KEY: 'secret-key-42', TEMPORAL_TLS: 'false' });
  expect(clear).toMatch(/API key with TLS disabled/);
  expect(clear).not.toContain('secret-key-42');
  expect(error({ ...base, HLX_TEMPORAL_PROFILE: 'cloud' })).toMatch(/HLX_TEMPORAL_PROFILE=cloud: no Temporal address/);
  expect(error({ ...base, HLX_TEMPORAL_PROFILE: 'staging' })).toMatch(/HLX_TEMPORAL_PROFILE/);
  expect(error({ ...base, TEMPORAL_API_KEY: 'secret-key-42' })).toMatch(/no address/);
  const bad = error({ ...base, TEMPORAL_ADDRESS: 'https://x.example', TEMPORAL_API_KEY: 'secret-key-42' });
  expect(bad).toMatch(/must be host:port/);
  expect(bad).not.toContain('secret-key-42');
});
