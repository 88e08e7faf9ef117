/**
 * temporal.yaml: parsed with zod, `${VAR}` expanded from the environment, Temporal's own
 * TEMPORAL_* variables applied on top. Every error names the field that was wrong.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { formatZodError } from './zod-error';

const Duration = z
  .string()
  .regex(/^\d+(ms|s|m)$/, 'a duration like "500ms", "2s" or "1m"');

const Profile = z
  .object({
    address: z.string().min(1),
    namespace: z.string().min(1),
    apiKeyEnv: z.string().optional(),
    tls: z
      .object({
        clientCertPathEnv: z.string().optional(),
        clientKeyPathEnv: z.string().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export const TemporalYaml = z
  .object({
    profiles: z.record(z.string(), z.unknown()),
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
export type TemporalProfile = z.infer<typeof Profile>;

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

/** Replace `${VAR}` with the environment's value; an unset variable is an error naming the field. */
function expand(value: string, field: string, env: NodeJS.ProcessEnv): string {
  return value.replace(/\$\{([A-Z0-9_]+)\}/g, (_, name: string) => {
    const v = env[name];
    if (v === undefined || v === '') throw new ConfigError(`${field}: environment variable ${name} is not set`);
    return v;
  });
}

export interface TemporalConnectionSettings {
  profile: string;
  address: string;
  namespace: string;
  apiKey?: string;
  tls?: { clientCertPath?: string; clientKeyPath?: string } | true;
}

/**
 * The connection settings for one profile (HLX_TEMPORAL_PROFILE, default `local`), with
 * TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE / TEMPORAL_API_KEY overriding the file, as Temporal's
 * own tools do.
 */
export function resolveTemporalConnection(
  yaml: TemporalYaml = loadTemporalYaml(),
  env: NodeJS.ProcessEnv = process.env,
): TemporalConnectionSettings {
  const profile = env.HLX_TEMPORAL_PROFILE ?? 'local';
  const rawProfile = yaml.profiles[profile];
  if (rawProfile === undefined) {
    throw new ConfigError(`profiles.${profile}: no such profile in temporal.yaml (have: ${Object.keys(yaml.profiles).join(', ')})`);
  }
  // Temporal's own variables win; expand ${VAR} only where they do not.
  const envView = { ...env };
  const p0 = Profile.safeParse(rawProfile);
  if (!p0.success) throw new ConfigError(`profiles.${profile}: ${formatZodError(p0.error)}`);
  const p = p0.data;
  const address = env.TEMPORAL_ADDRESS || expand(p.address, `profiles.${profile}.address`, envView);
  const namespace = env.TEMPORAL_NAMESPACE || expand(p.namespace, `profiles.${profile}.namespace`, envView);
  const apiKey = env.TEMPORAL_API_KEY || (p.apiKeyEnv ? env[p.apiKeyEnv] : undefined) || undefined;
  const certPath = p.tls?.clientCertPathEnv ? env[p.tls.clientCertPathEnv] : undefined;
  const keyPath = p.tls?.clientKeyPathEnv ? env[p.tls.clientKeyPathEnv] : undefined;
  const out: TemporalConnectionSettings = { profile, address, namespace };
  if (apiKey) {
    out.apiKey = apiKey;
    out.tls = true;
  }
  if (certPath || keyPath) {
    if (!certPath || !keyPath) {
      throw new ConfigError(`profiles.${profile}.tls: both a client certificate and a key path are needed for mTLS`);
    }
    out.tls = { clientCertPath: certPath, clientKeyPath: keyPath };
  }
  return out;
}
