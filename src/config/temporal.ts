/**
 * Temporal settings, from two places:
 *  - how to connect (address, namespace, TLS, API key) is Temporal's own environment
 *    configuration, read by @temporalio/envconfig exactly as the `temporal` CLI and every SDK read
 *    it: a TOML profile file (TEMPORAL_CONFIG_FILE, else ~/.config/temporalio/temporal.toml; the
 *    profile TEMPORAL_PROFILE, else `default`) with the TEMPORAL_* variables on top
 *    (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS,
 *    TEMPORAL_TLS_CLIENT_CERT_PATH/_DATA, TEMPORAL_TLS_CLIENT_KEY_PATH/_DATA,
 *    TEMPORAL_TLS_SERVER_CA_CERT_PATH/_DATA, TEMPORAL_TLS_SERVER_NAME, TEMPORAL_GRPC_META_*).
 *    With none of it set, the local dev server of temporal.yaml's `devServer`.
 *  - what is ours (task queues, search attributes, worker settings, the dev server) is
 *    temporal.yaml, parsed with zod. Every error names the field or variable that was wrong.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { loadClientConfigProfile, toClientOptions, type ClientConfigProfile } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';
import { z } from 'zod';
import { envInput, envObject } from './env';
import { formatZodError } from './zod-error';

const Duration = z
  .string()
  .regex(/^\d+(ms|s|m)$/, 'a duration like "500ms", "2s" or "1m"');

export const TemporalYaml = z
  .object({
    taskQueues: z
      .object({ session: z.string().min(1), stop: z.string().min(1), hotPathPrefix: z.string().min(1) })
      .strict(),
    searchAttributes: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/), z.enum(['Keyword', 'Text', 'Int', 'Double', 'Bool', 'Datetime', 'KeywordList'])),
    worker: z.object({ stickyQueueScheduleToStartTimeout: Duration, shutdownGraceTime: Duration }).strict(),
    devServer: z
      .object({
        ip: z.string().min(1),
        port: z.number().int().min(1).max(65535),
        uiPort: z.number().int().min(1).max(65535),
        dbFile: z.string().min(1),
        cliVersion: z.string().regex(/^\d+\.\d+\.\d+$/),
      })
      .strict(),
  })
  .strict();
export type TemporalYaml = z.infer<typeof TemporalYaml>;

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
export const DEFAULT_TEMPORAL_YAML = path.join(PROJECT_ROOT, 'temporal.yaml');

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function durationMs(d: string): number {
  const m = /^(\d+)(ms|s|m)$/.exec(d);
  if (!m) throw new ConfigError(`not a duration: ${JSON.stringify(d)}`);
  const n = Number(m[1]);
  return m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : n * 60_000;
}

export function loadTemporalYaml(file = DEFAULT_TEMPORAL_YAML): TemporalYaml {
  let raw: unknown;
  try {
    raw = parseYaml(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(`${file}: cannot read or parse YAML: ${(e as Error).message}`);
  }
  const r = TemporalYaml.safeParse(raw);
  if (!r.success) throw new ConfigError(`${file}: ${formatZodError(r.error)}`);
  return r.data;
}

/** Our one variable about the connection (Temporal's are TEMPORAL_*, read by the SDK). */
// HLX_TEMPORAL_PROFILE `cloud`: the connection must come from Temporal's environment
// configuration; never fall back to the local dev server. `local` (or unset): that fallback is allowed.
const CONNECTION_VARS = ['HLX_TEMPORAL_PROFILE', 'TEMPORAL_CONFIG_FILE', 'TEMPORAL_PROFILE'] as const;
const ConnectionEnv = envObject(CONNECTION_VARS);

/** host:port as Temporal's clients take it (a `[v6]:port` literal included) */
const Address = z.string().regex(/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'host:port');

export type TemporalAuth = 'none' | 'tls' | 'mtls' | 'api-key' | 'api-key+mtls';

export interface TemporalConnectionSettings {
  /** the profile in force, for messages: a TOML profile name or `local` */
  profile: string;
  /** where the settings came from, for messages (never a secret) */
  source: string;
  address: string;
  namespace: string;
  auth: TemporalAuth;
  /** ready for Connection.connect and NativeConnection.connect alike (TLS files already read) */
  connectionOptions: Pick<NativeConnectionOptions, 'address' | 'tls' | 'apiKey' | 'metadata'> & { address: string };
}

function loadProfile(env: NodeJS.ProcessEnv, file: string | undefined): ClientConfigProfile {
  try {
    return loadClientConfigProfile({ overrideEnvVars: env as Record<string, string>, configFileStrict: true });
  } catch (e) {
    const where = file ? `TEMPORAL_CONFIG_FILE ${file}` : 'the Temporal config file';
    throw new ConfigError(`${where}${env.TEMPORAL_PROFILE ? ` (TEMPORAL_PROFILE=${env.TEMPORAL_PROFILE})` : ''}: ${(e as Error).message}`);
  }
}

function authOf(p: ClientConfigProfile, tls: unknown): TemporalAuth {
  const mtls = !!(p.tls?.clientCert && p.tls?.clientKey);
  if (p.apiKey) return mtls ? 'api-key+mtls' : 'api-key';
  if (mtls) return 'mtls';
  return tls ? 'tls' : 'none';
}

type TlsOption = NativeConnectionOptions['tls'];

/** envconfig reads files as Uint8Array; @grpc/grpc-js (the client's Connection) insists on Buffers */
function asBuffers(tls: TlsOption): TlsOption {
  if (tls === undefined || tls === null || typeof tls === 'boolean') return tls;
  const buf = (b: Uint8Array | undefined) => (b === undefined ? undefined : Buffer.from(b.buffer, b.byteOffset, b.byteLength));
  const out: Exclude<TlsOption, boolean | undefined | null> = {};
  if (tls.serverNameOverride) out.serverNameOverride = tls.serverNameOverride;
  if (tls.serverRootCACertificate) out.serverRootCACertificate = buf(tls.serverRootCACertificate);
  if (tls.clientCertPair) out.clientCertPair = { crt: buf(tls.clientCertPair.crt)!, key: buf(tls.clientCertPair.key)! };
  return out;
}

/**
 * The connection settings: Temporal's environment configuration (see the top of this file), or
 * the local dev server when it names no address and HLX_TEMPORAL_PROFILE is not `cloud`.
 * Fails closed: a TEMPORAL_CONFIG_FILE that does not exist, a client certificate without its key
 * (or the reverse), an unreadable TLS file and an API key with TLS switched off are errors, not
 * a quieter connection than the one asked for.
 */
export function resolveTemporalConnection(
  yaml: TemporalYaml = loadTemporalYaml(),
  env: NodeJS.ProcessEnv = process.env,
): TemporalConnectionSettings {
  const e0 = ConnectionEnv.safeParse(envInput(CONNECTION_VARS, env));
  if (!e0.success) throw new ConfigError(`Temporal connection environment: ${formatZodError(e0.error)}`);
  const { HLX_TEMPORAL_PROFILE: mode, TEMPORAL_CONFIG_FILE: file } = e0.data;
  // the SDK treats a missing file as "no file"; a file named explicitly must exist
  if (file !== undefined && !fs.existsSync(file)) throw new ConfigError(`TEMPORAL_CONFIG_FILE: ${file} does not exist`);
  const p = loadProfile(env, file);
  const profile = env.TEMPORAL_PROFILE ?? 'default';
  const source = [file ? `profile ${profile} of ${file}` : null, ...['TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'TEMPORAL_API_KEY'].filter((k) => env[k]).map((k) => `$${k}`)]
    .filter(Boolean)
    .join(' + ') || `profile ${profile} of the default Temporal config file`;

  if (p.address === undefined || p.address === '') {
    if (mode === 'cloud') {
      throw new ConfigError(
        'HLX_TEMPORAL_PROFILE=cloud: no Temporal address; set TEMPORAL_ADDRESS (and TEMPORAL_NAMESPACE, TEMPORAL_API_KEY or TEMPORAL_TLS_CLIENT_CERT_PATH/KEY_PATH) or TEMPORAL_PROFILE with a profile file',
      );
    }
    if (p.apiKey || p.tls) throw new ConfigError('Temporal: TLS or an API key is configured but no address (TEMPORAL_ADDRESS or the profile\'s address)');
    const address = `${yaml.devServer.ip}:${yaml.devServer.port}`;
    return { profile: 'local', source: 'the local dev server (temporal.yaml devServer)', address, namespace: p.namespace || 'default', auth: 'none', connectionOptions: { address } };
  }
  const a = Address.safeParse(p.address);
  if (!a.success) throw new ConfigError(`Temporal address ${JSON.stringify(p.address)} (${source}): must be host:port`);
  if (!!p.tls?.clientCert !== !!p.tls?.clientKey) {
    throw new ConfigError(`Temporal mTLS (${source}): a client certificate and its key are both needed (TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH, or the profile's tls.client_cert_path and tls.client_key_path)`);
  }
  if (p.apiKey && p.tls?.disabled) throw new ConfigError(`Temporal (${source}): an API key with TLS disabled would send the key in clear`);
  let options;
  try {
    options = toClientOptions(p).connectionOptions;
  } catch (err) {
    throw new ConfigError(`Temporal TLS files (${source}): ${(err as Error).message}`);
  }
  const connectionOptions: TemporalConnectionSettings['connectionOptions'] = { address: p.address };
  if (options.tls !== undefined) connectionOptions.tls = asBuffers(options.tls);
  if (options.apiKey) connectionOptions.apiKey = options.apiKey;
  if (options.metadata && Object.keys(options.metadata).length) connectionOptions.metadata = options.metadata;
  return { profile, source, address: p.address, namespace: p.namespace || 'default', auth: authOf(p, options.tls), connectionOptions };
}
