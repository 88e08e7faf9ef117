/**
 * Metrics for a worker process: the Temporal SDK runtime's Prometheus exporter (it must be set
 * at Runtime.install, before any connection, and binds its own loopback port) and our /metrics
 * server that folds it in. `prepareWorkerMetrics` runs first, then the worker starts the server
 * with what it has (a hot path, stop activities).
 */
import type { RuntimeOptions } from '@temporalio/worker';
import type { HotPath } from '../executor/hot-path';
import type { OrderTransport } from '../executor/ports';
import type { Logger } from '../util/log';
import type { MetricsConfig } from './config';
import { registerHotPathMetrics, type SessionView, type SocketStatsSource } from './hot-path';
import { Registry } from './registry';
import { freePort, startMetricsServer, type MetricsServer } from './server';

export interface PreparedMetrics {
  registry: Registry;
  /** spread into Runtime.install(...) */
  telemetryOptions?: RuntimeOptions['telemetryOptions'];
  /** start /metrics (no-op returning null when metrics are off) */
  serve(log?: Logger): Promise<MetricsServer | null>;
}

export async function prepareWorkerMetrics(settings: MetricsConfig | null, log?: Logger): Promise<PreparedMetrics> {
  const registry = new Registry((e) => log?.warn('metrics collector failed', { error: (e as Error)?.message ?? String(e) }));
  if (!settings) return { registry, serve: async () => null };
  // the SDK's exporter stays on loopback whatever host ours binds: it is read through ours
  const temporalPort = settings.temporalPort ?? (await freePort('127.0.0.1'));
  const telemetryOptions: RuntimeOptions['telemetryOptions'] = {
    metrics: { prometheus: { bindAddress: `127.0.0.1:${temporalPort}`, countersTotalSuffix: true, useSecondsForDurations: true } },
  };
  return {
    registry,
    telemetryOptions,
    async serve(l = log) {
      const s = await startMetricsServer({
        registry,
        host: settings.host,
        port: settings.port,
        upstreams: [`http://127.0.0.1:${temporalPort}/metrics`],
        onError: (where, e) => l?.debug('metrics scrape: part missing', { where, error: (e as Error)?.message ?? String(e) }),
      });
      l?.info('metrics served', { url: s.url, temporalExporter: `127.0.0.1:${temporalPort}` });
      return s;
    },
  };
}

export interface HotPathWorkerLike {
  readonly sessionId: string;
  readonly input: { account: string };
  hotPath(): HotPath;
  lastState(): SessionView | null;
}

/**
 * Hot-path metrics on `registry` for worker `w`: a new hot path (rebuilt after a resume) is
 * instrumented within a second; the transport once.
 */
export function attachHotPathMetrics(registry: Registry, w: HotPathWorkerLike, venue: OrderTransport & SocketStatsSource): () => void {
  const m = registerHotPathMetrics({ registry, sessionId: w.sessionId, account: w.input.account, getHotPath: () => w.hotPath(), getSession: () => w.lastState(), venue });
  m.instrumentTransport(venue);
  m.instrument(w.hotPath());
  const t = setInterval(() => m.instrument(w.hotPath()), 1_000);
  t.unref();
  return () => clearInterval(t);
}

/** Times every activity of a worker: hlx_activity_seconds{activity, outcome}. Same shape back. */
export function instrumentActivities<A extends object>(registry: Registry, activities: A): A {
  const h = registry.histogram('hlx_activity_seconds', 'stop activities: time from start to result, by outcome', ['activity', 'outcome']);
  const out: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(activities)) {
    if (typeof fn !== 'function') {
      out[name] = fn;
      continue;
    }
    out[name] = async (...args: unknown[]) => {
      const t0 = performance.now();
      try {
        const r = await (fn as (...a: unknown[]) => Promise<unknown>).apply(activities, args);
        h.observe({ activity: name, outcome: 'ok' }, (performance.now() - t0) / 1000);
        return r;
      } catch (e) {
        h.observe({ activity: name, outcome: 'error' }, (performance.now() - t0) / 1000);
        throw e;
      }
    };
  }
  return out as A;
}
