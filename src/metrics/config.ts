/**
 * Where a worker serves its metrics: `observability.metrics` in the session YAML, or for every
 * worker the environment (which wins): HLX_METRICS_PORT (0 = any free port), HLX_METRICS_HOST
 * (default 127.0.0.1: loopback unless someone chooses otherwise), HLX_METRICS_TEMPORAL_PORT (the
 * Temporal SDK's own Prometheus exporter, which our /metrics folds in; default: a free port).
 * No port anywhere = no metrics server.
 */
import { z } from 'zod';
import { envInput, envObject } from '../config/env';
import { formatZodError } from '../config/zod-error';

const Port = z.number().int().min(0).max(65535);
const Host = z.string().regex(/^[A-Za-z0-9.:_-]{1,253}$/, 'a host name or IP address, e.g. 127.0.0.1');

export const MetricsConfig = z
  .object({
    /** serve GET /metrics on this port (0 = a free port, printed in the log) */
    port: Port,
    host: Host.default('127.0.0.1'),
    /** the Temporal SDK runtime's exporter (loopback only; scraped through our /metrics) */
    temporalPort: Port.optional(),
  })
  .strict();
export type MetricsConfig = z.infer<typeof MetricsConfig>;

export const LogConfig = z.object({ format: z.enum(['text', 'json']).optional() }).strict();

/** `observability:` in the session YAML. */
export const ObservabilityConfig = z
  .object({
    metrics: MetricsConfig.optional(),
    log: LogConfig.optional(),
  })
  .strict();
export type ObservabilityConfig = z.infer<typeof ObservabilityConfig>;

const METRICS_VARS = ['HLX_METRICS_PORT', 'HLX_METRICS_HOST', 'HLX_METRICS_TEMPORAL_PORT'] as const;
/** from src/config/env.ts, where every variable is declared */
const MetricsEnv = envObject(METRICS_VARS);

export class MetricsConfigError extends Error {
  override name = 'MetricsConfigError';
}

/** The effective settings (environment over file); null = metrics off. Errors name the variable. */
export function resolveMetricsSettings(file: MetricsConfig | undefined, env: NodeJS.ProcessEnv = process.env): MetricsConfig | null {
  const r = MetricsEnv.safeParse(envInput(METRICS_VARS, env));
  if (!r.success) throw new MetricsConfigError(`metrics environment: ${formatZodError(r.error)}`);
  const e = r.data;
  const port = e.HLX_METRICS_PORT ?? file?.port;
  if (port === undefined) return null;
  const temporalPort = e.HLX_METRICS_TEMPORAL_PORT ?? file?.temporalPort;
  return { port, host: e.HLX_METRICS_HOST ?? file?.host ?? '127.0.0.1', ...(temporalPort !== undefined ? { temporalPort } : {}) };
}
