/**
 * Every environment variable a worker or an `hlx` command reads, in one place: its schema (zod),
 * who reads it, what it means and its default. The readers parse through here so a bad value is
 * refused with the variable named — and never echoed, since some of them hold keys.
 * `hlx … --help` and the README's "Environment variables" table are generated from ENV_DOCS
 * (tests/unit/config/env-docs.test.ts fails when the README, this module or a reader disagree).
 *
 * Not here: the TEMPORAL_TLS_* / TEMPORAL_GRPC_META_* variables the Temporal SDK reads on its own
 * (src/config/temporal.ts), and variables named by the session file (`signer.privateKeyEnv`,
 * `signer.passwordEnv`, `gateway.tokenEnv`), whose names are the user's.
 */
import { z } from 'zod';
import { formatZodError } from './zod-error';

const Hex40 = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'a 0x address (40 hex digits)');
const Name = z.string().regex(/^[A-Za-z0-9._-]{1,200}$/, 'letters, digits, ".", "_" or "-" (no spaces)');
const Queue = z.string().regex(/^\S{1,1000}$/, 'a task queue name (no spaces)');
const Path = z.string().min(1, 'a path');
const Port = z
  .string()
  .regex(/^\d{1,5}$/, 'a port number 0-65535')
  .transform(Number)
  .refine((n) => n <= 65535, 'a port number 0-65535');
const Host = z.string().regex(/^[A-Za-z0-9.:_-]{1,253}$/, 'a host name or IP address, e.g. 127.0.0.1');
const WholeNumber = (min: number) =>
  z
    .string()
    .regex(/^\d+$/, 'a whole number')
    .transform(Number)
    .refine((n) => n >= min, `must be ≥ ${min}`);

/** The schemas, by variable (each reads a string; an empty string counts as unset). */
export const ENV_SCHEMAS = {
  HLX_NETWORK: z.enum(['sim', 'testnet', 'mainnet']).default('sim'),
  HLX_VENUE_HTTP_URL: z.url({ message: 'a URL, e.g. http://127.0.0.1:8787' }).optional(),
  HLX_ACCOUNT: Hex40,
  HLX_VAULT_ADDRESS: Hex40.optional(),
  HL_PRIVATE_KEY: z.string().regex(/^(0x)?[0-9a-fA-F]{64}$/, 'a 32-byte hex private key').optional(),
  HLX_KEYSTORE: Path.optional(),
  HLX_KEYSTORE_PASSWORD: z.string().optional(),
  HLX_STOP_WORKER_SESSION: z.enum(['0', '1']).default('1'),
  HLX_SESSION_CONFIG: Path.optional(),
  HLX_TASK_QUEUE_SESSION: Queue.optional(),
  HLX_TASK_QUEUE_STOP: Queue.optional(),
  HLX_TASK_QUEUE_HOTPATH_PREFIX: Queue.optional(),
  HLX_STATE_DIR: Path.optional(),
  HLX_STATUS_DIR: Path.optional(),
  HLX_WORKER_DEPLOYMENT: Name.default('hl-executor'),
  HLX_BUILD_ID: Name.optional(),
  HLX_METRICS_PORT: Port.optional(),
  HLX_METRICS_HOST: Host.optional(),
  HLX_METRICS_TEMPORAL_PORT: Port.optional(),
  HLX_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).optional(),
  HLX_LOG_FORMAT: z.enum(['text', 'json']).optional(),
  HLX_TEMPORAL_PROFILE: z.enum(['local', 'cloud']).optional(),
  TEMPORAL_CONFIG_FILE: z.string().min(1, 'a path to a TOML file').optional(),
  TEMPORAL_PROFILE: z.string().min(1, 'a profile name').optional(),
  TEMPORAL_ADDRESS: z.string().regex(/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'host:port').optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).optional(),
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  HLX_CHROMIUM: Path.optional(),
  SEEDS: WholeNumber(1).optional(),
  SEED: WholeNumber(0).optional(),
  SEED_LIST: z.string().regex(/^\d{1,9}(,\d{1,9})*$/, 'seeds separated by commas, e.g. 2,313,1002').optional(),
  CHAOS_QUEUES: z.enum(['shared', 'per-account']).optional(),
  HLX_TEMPORAL_CLI: Path.optional(),
  HLX_FAULT_INJECT: z.string().regex(/^(temporal-worker-stop|uncaught):\d+$/, 'temporal-worker-stop:<ms> or uncaught:<ms>').optional(),
  HLX_CHAOS_INJECT: z.string().regex(/^[a-z-]+(,[a-z-]+)*$/, 'a comma-separated list of switch names').optional(),
  HLX_CHAOS_WRONG_ACCOUNT: Hex40.optional(),
} as const;

export type EnvName = keyof typeof ENV_SCHEMAS;
export type EnvReader = 'stop worker' | 'hot-path worker' | 'CLI' | 'tests';

export interface EnvDoc {
  readers: readonly EnvReader[];
  meaning: string;
  /** as shown to a user; 'required' or 'unset' where there is no default */
  default: string;
  /** holds a secret: its value never appears in an error or a log */
  secret?: boolean;
  /** a test's fault switch: never set it near real money */
  testOnly?: boolean;
}

const W = ['stop worker', 'hot-path worker'] as const;
const ALL = ['stop worker', 'hot-path worker', 'CLI'] as const;

export const ENV_DOCS: Record<EnvName, EnvDoc> = {
  HLX_NETWORK: { readers: ['stop worker'], meaning: 'the venue: `sim`, `testnet` or `mainnet`', default: '`sim`' },
  HLX_VENUE_HTTP_URL: { readers: ['stop worker'], meaning: "the venue's HTTP URL (needed for `sim`: the URL `hlx sim` prints)", default: "the network's" },
  HLX_ACCOUNT: { readers: ['stop worker'], meaning: 'the account the stop worker flattens (0x address)', default: 'required' },
  HLX_VAULT_ADDRESS: { readers: ['stop worker'], meaning: 'the vault or sub-account HLX_ACCOUNT is, when the key trades for it', default: 'unset' },
  HL_PRIVATE_KEY: { readers: ['stop worker', 'CLI'], meaning: 'the signing key (an agent wallet\'s, preferably); the session file names its own variable', default: 'unset', secret: true },
  HLX_KEYSTORE: { readers: ['stop worker'], meaning: 'or an encrypted JSON keystore file instead of HL_PRIVATE_KEY', default: 'unset' },
  HLX_KEYSTORE_PASSWORD: { readers: ['stop worker'], meaning: "the keystore's password (required with HLX_KEYSTORE)", default: 'unset', secret: true },
  HLX_STOP_WORKER_SESSION: { readers: ['stop worker'], meaning: '`1`: the stop worker also polls the session queue; `0`: the stop queue only', default: '`1`' },
  HLX_SESSION_CONFIG: { readers: ['hot-path worker', 'CLI'], meaning: 'the session YAML file when `--config` is not given', default: 'unset' },
  HLX_TASK_QUEUE_SESSION: { readers: ALL, meaning: 'the session workflow\'s task queue', default: 'temporal.yaml `taskQueues.session`' },
  HLX_TASK_QUEUE_STOP: { readers: ALL, meaning: 'the stop workflow\'s task queue', default: 'temporal.yaml `taskQueues.stop`' },
  HLX_TASK_QUEUE_HOTPATH_PREFIX: { readers: ['hot-path worker', 'CLI'], meaning: "prefix of each session's own hot-path queue", default: 'temporal.yaml `taskQueues.hotPathPrefix`' },
  HLX_STATE_DIR: { readers: ['hot-path worker', 'CLI'], meaning: 'where the HardStop journal and risk checkpoints live', default: '`.run/state`' },
  HLX_STATUS_DIR: { readers: ['hot-path worker', 'CLI'], meaning: 'where the hot path writes its status file (`hlx session status`, `hlx report` read it)', default: '`.run/status`' },
  HLX_WORKER_DEPLOYMENT: { readers: W, meaning: 'Worker Versioning: the deployment name', default: '`hl-executor`' },
  HLX_BUILD_ID: { readers: W, meaning: 'Worker Versioning: this build\'s id (unset = unversioned); the session and stop workflows it starts are pinned to it (src/orchestration/README.md)', default: 'unset' },
  HLX_METRICS_PORT: { readers: W, meaning: 'serve Prometheus `/metrics` on this port (wins over the session file)', default: 'off' },
  HLX_METRICS_HOST: { readers: W, meaning: 'the metrics listener\'s host', default: '`127.0.0.1`' },
  HLX_METRICS_TEMPORAL_PORT: { readers: W, meaning: "the Temporal SDK's own metrics port", default: 'off' },
  HLX_LOG_LEVEL: { readers: ALL, meaning: '`debug`, `info`, `warn` or `error`', default: '`info`' },
  HLX_LOG_FORMAT: { readers: ALL, meaning: '`text` or `json` (one object per line; wins over the session file)', default: '`text`' },
  HLX_TEMPORAL_PROFILE: { readers: ALL, meaning: '`cloud`: the connection must come from Temporal\'s configuration (no dev-server fallback)', default: '`local`' },
  TEMPORAL_CONFIG_FILE: { readers: ALL, meaning: "Temporal's TOML profile file (must exist when set)", default: '`~/.config/temporalio/temporal.toml`' },
  TEMPORAL_PROFILE: { readers: ALL, meaning: 'the profile in that file', default: '`default`' },
  TEMPORAL_ADDRESS: { readers: ALL, meaning: 'Temporal\'s host:port (with the other TEMPORAL_* read by the SDK)', default: 'the local dev server' },
  TEMPORAL_NAMESPACE: { readers: ALL, meaning: 'the Temporal namespace', default: '`default`' },
  TEMPORAL_API_KEY: { readers: ALL, meaning: 'an API key for Temporal Cloud (needs TLS)', default: 'unset', secret: true },
  HLX_CHROMIUM: { readers: ['CLI'], meaning: 'a Chromium binary for the Temporal UI screenshot (`scripts/ui-check.ts`)', default: '`/usr/bin/chromium`…' },
  SEEDS: { readers: ['CLI'], meaning: '`hlx chaos` / `make chaos`: how many seeded schedules (`--seeds` wins)', default: '1' },
  SEED: { readers: ['CLI'], meaning: '`hlx chaos`: the first seed (`--seed` wins)', default: 'random' },
  SEED_LIST: { readers: ['CLI'], meaning: '`hlx chaos`: run these seeds instead, e.g. `2,313,1002` (`--seed-list` wins)', default: 'unset' },
  CHAOS_QUEUES: { readers: ['CLI'], meaning: '`hlx chaos`: `shared` or `per-account` stop queues (`--queues` wins)', default: '`shared`' },
  HLX_TEMPORAL_CLI: { readers: ['tests'], meaning: 'the `temporal` CLI binary, set by scripts/with-devserver.ts', default: '`.tools/bin/temporal`' },
  HLX_FAULT_INJECT: { readers: ['hot-path worker', 'tests'], meaning: 'TEST-ONLY: `temporal-worker-stop:<ms>` or `uncaught:<ms>` (exit-code tests)', default: 'unset', testOnly: true },
  HLX_CHAOS_INJECT: { readers: ['hot-path worker', 'stop worker', 'tests'], meaning: 'TEST-ONLY: comma-separated chaos fault switches (src/chaos/inject.ts)', default: 'unset', testOnly: true },
  HLX_CHAOS_WRONG_ACCOUNT: { readers: ['stop worker', 'tests'], meaning: 'TEST-ONLY: the account `stop-wrong-account` flattens instead', default: 'unset', testOnly: true },
};

export class EnvError extends Error {
  override name = 'EnvError';
}

/** The zod object for these variables, e.g. to refine (StopWorkerEnv). */
export function envObject<K extends EnvName>(names: readonly K[]): z.ZodObject<Pick<typeof ENV_SCHEMAS, K>> {
  const shape = {} as Pick<typeof ENV_SCHEMAS, K>;
  for (const n of names) shape[n] = ENV_SCHEMAS[n];
  return z.object(shape);
}

/** The variables' raw strings, with '' as unset (how every reader has treated it). */
export function envInput(names: readonly string[], env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const n of names) out[n] = env[n] === '' ? undefined : env[n];
  return out;
}

/** A zod error as one line naming each variable; the input (maybe a key) never appears. */
export function formatEnvError(where: string, err: z.ZodError): string {
  return `${where}: ${formatZodError(err)}`;
}

/** Parse these variables; a bad value throws EnvError naming it (never its value). */
export function parseEnv<K extends EnvName>(names: readonly K[], env: NodeJS.ProcessEnv = process.env, where = 'environment'): z.output<z.ZodObject<Pick<typeof ENV_SCHEMAS, K>>> {
  const r = envObject(names).safeParse(envInput(names, env));
  if (!r.success) throw new EnvError(formatEnvError(where, r.error));
  return r.data;
}

/** One variable, parsed. */
export function readEnv<K extends EnvName>(name: K, env: NodeJS.ProcessEnv = process.env): z.output<(typeof ENV_SCHEMAS)[K]> {
  return (parseEnv([name], env) as Record<K, z.output<(typeof ENV_SCHEMAS)[K]>>)[name];
}

/** `--help` text: the variables these readers read (test-only switches left out). */
export function envHelp(readers: readonly EnvReader[], title = 'environment variables'): string {
  const names = (Object.keys(ENV_DOCS) as EnvName[]).filter((n) => !ENV_DOCS[n].testOnly && ENV_DOCS[n].readers.some((r) => readers.includes(r)));
  const width = Math.max(...names.map((n) => n.length));
  const plain = (s: string) => s.replace(/`/g, '');
  return [`${title}:`, ...names.map((n) => `  ${n.padEnd(width)}  ${plain(ENV_DOCS[n].meaning)} (default: ${plain(ENV_DOCS[n].default)})`)].join('\n');
}

/** The README's "Environment variables" table (tests/unit/config/env-docs.test.ts compares). */
export function envMarkdownTable(): string {
  const rows = (Object.keys(ENV_DOCS) as EnvName[]).map((n) => {
    const d = ENV_DOCS[n];
    const meaning = `${d.meaning}${d.secret ? ' (secret: never logged)' : ''}`.replace(/\|/g, '\\|');
    return `| \`${n}\` | ${d.readers.join(', ')} | ${d.default} | ${meaning} |`;
  });
  return ['| variable | read by | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
}
