/**
 * The hot-path process: `hlx worker hotpath --config FILE` / `hlx session start --config FILE`.
 * Runs the hot-path worker until a signal: the first SIGINT/SIGTERM = HardStop(Operator) and a
 * bounded wait for flat, the second = exit now. Writes the status file the operator CLI reads.
 *
 * Exit codes a supervisor can trust (deploy/systemd/): 0 = stopped on request and flat (or
 * nothing to flatten); 1 = stopped on request but not confirmed flat in time / STOP_FAILED;
 * 70 = a fatal failure (the Temporal worker failed, an uncaught error): HardStop(HotPathLost) is
 * latched and journalled first, so a restart delivers it; 130 = a second Ctrl+C.
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { z } from 'zod';
import { readEnv } from '../../src/config/env';
import { loadSessionConfig } from '../../src/config/session';
import { durationMs } from '../../src/config/temporal';
import { STOPPED_PHASES } from '../../src/orchestration/session-machine';
import { writeStatusFile } from '../../src/state/status-file';
import { attachHotPathMetrics, prepareWorkerMetrics } from '../../src/metrics/worker';
import { resolveMetricsSettings } from '../../src/metrics/config';
import { createLogger, setLogFormat } from '../../src/util/log';
import { connectTemporal } from '../session-client';
import { startHotPathWorker, type HotPathWorker } from '../hotpath-worker';
import { reportOwed } from './owed-hardstops';

/** EX_SOFTWARE: a fatal failure inside the process (restart it: the journal carries the HardStop) */
export const EXIT_FATAL = 70;
export const EXIT_NOT_FLAT = 1;
export const EXIT_SECOND_SIGNAL = 130;

export interface RunHotPathProcessOptions {
  configFile: string;
  /** bounded wait for STOPPED_FLAT after the first Ctrl+C, ms */
  stopWaitMs?: number;
  /** called once the worker is up (the CLI starts its status view here) */
  onStarted?: (w: HotPathWorker) => void | Promise<void>;
}

/**
 * HLX_FAULT_INJECT (tests of the exit-code contract only): `temporal-worker-stop:<ms>` stops the
 * Temporal worker underneath the hot path; `uncaught:<ms>` throws an uncaught error.
 */
const FaultEnv = z
  .string()
  .regex(/^(temporal-worker-stop|uncaught):\d+$/, 'HLX_FAULT_INJECT: temporal-worker-stop:<ms> or uncaught:<ms>')
  .transform((v) => {
    const [kind, ms] = v.split(':');
    return { kind: kind as 'temporal-worker-stop' | 'uncaught', ms: Number(ms) };
  })
  .optional();

/** Resolves with the process exit code. */
export async function runHotPathProcess(o: RunHotPathProcessOptions): Promise<number> {
  const log = createLogger('hotpath-worker');
  const cfg = loadSessionConfig(o.configFile);
  setLogFormat(cfg.observability.log?.format);
  const metrics = await prepareWorkerMetrics(resolveMetricsSettings(cfg.observability.metrics), log);
  // our own signal handling (temporal.md §5.4): the SDK must not stop polling before the flatten
  try {
    Runtime.install({ shutdownSignals: [], logger: new DefaultLogger('WARN'), ...(metrics.telemetryOptions ? { telemetryOptions: metrics.telemetryOptions } : {}) });
  } catch {
    /* already installed in this process (tests) */
  }
  const faultParsed = FaultEnv.safeParse(readEnv('HLX_FAULT_INJECT'));
  if (!faultParsed.success) throw new Error(faultParsed.error.issues[0].message);
  const fault = faultParsed.data;
  const t = await connectTemporal({ native: true });
  const { createVenueClient, createWireFor } = await import('../venue-port');
  const venue = createVenueClient(cfg);
  const wire = await createWireFor(cfg);
  const w = await startHotPathWorker({
    config: cfg,
    client: t.client,
    connection: t.nativeConnection,
    namespace: t.settings.namespace,
    temporal: t.yaml,
    queues: t.queues,
    venue,
    wire,
    log,
    ...(fault?.kind === 'temporal-worker-stop' ? { faultStopTemporalWorkerAfterMs: fault.ms } : {}),
  });
  const detachMetrics = attachHotPathMetrics(metrics.registry, w, venue);
  const metricsServer = await metrics.serve(log);
  if (fault?.kind === 'uncaught') {
    setTimeout(() => {
      throw new Error('fault injection: an uncaught error in the hot-path process');
    }, fault.ms).unref();
  }
  const stopWaitMs = o.stopWaitMs ?? Math.max(30_000, durationMs(t.yaml.worker.shutdownGraceTime));
  const stop = operatorStop(w, stopWaitMs, log);
  process.on('SIGINT', stop.onSignal);
  process.on('SIGTERM', stop.onSignal);
  // a fatal error anywhere: latch + journal synchronously, then a bounded shutdown and a non-zero exit
  let fatalDone!: () => void;
  const fatalP = new Promise<void>((r) => (fatalDone = r));
  const onFatal = (e: unknown) => {
    log.error('fatal error in the hot-path process: HardStop(HotPathLost), exiting non-zero', { error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
    w.fatal('uncaught-error', e);
    fatalDone();
  };
  process.on('uncaughtException', onFatal);
  process.on('unhandledRejection', onFatal);
  // the status the operator CLI shows (`hlx session status`), refreshed every second on this machine
  const writeStatus = () => {
    try {
      writeStatusFile(
        w.sessionId,
        JSON.parse(JSON.stringify({ ...w.hotPath().status(), lease: w.lease(), deadMan: w.deadMan(), sessionId: w.sessionId, pid: process.pid, at: Date.now() })),
      );
    } catch (e) {
      log.debug('status file not written', { error: (e as Error).message });
    }
  };
  writeStatus();
  const statusTimer = setInterval(writeStatus, 1_000);
  await o.onStarted?.(w);
  await Promise.race([stop.done, w.finished, fatalP]);
  clearInterval(statusTimer);
  writeStatus();
  await w.shutdown();
  detachMetrics();
  await metricsServer?.close();
  await t.close();
  process.off('SIGINT', stop.onSignal);
  process.off('SIGTERM', stop.onSignal);
  process.off('uncaughtException', onFatal);
  process.off('unhandledRejection', onFatal);
  if (w.failure()) return EXIT_FATAL;
  return stop.exitCode();
}

/**
 * Ctrl+C / SIGTERM: the first is HardStop(Operator) and a bounded wait for a stopped phase, a
 * second exits at once. One keypress in a terminal reaches npx, tsx and node alike and the
 * wrappers relay it: copies within a second are the same keypress, not the operator's second one.
 */
function operatorStop(w: HotPathWorker, stopWaitMs: number, log: ReturnType<typeof createLogger>) {
  let exitCode = 0;
  let signals = 0;
  let firstSignalAt = 0;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const onSignal = (sig: NodeJS.Signals) => {
    if (signals > 0 && Date.now() - firstSignalAt < 1_000) return;
    if (signals === 0) firstSignalAt = Date.now();
    signals++;
    if (signals > 1) {
      log.error('second signal: exiting now without waiting for flat', { signal: sig });
      reportOwed(w.journal, log);
      process.exit(EXIT_SECOND_SIGNAL);
    }
    log.warn('stop requested: HardStop(Operator) and waiting for flat (press Ctrl+C again to exit at once)', { signal: sig, waitMs: stopWaitMs });
    w.hardStop('Operator', 'ctrl-c');
    void (async () => {
      const s = await w.waitForPhase(STOPPED_PHASES, stopWaitMs);
      if (!s) {
        log.error('the session did not reach STOPPED_FLAT in time; the stop sequence goes on in Temporal', { waitedMs: stopWaitMs });
        exitCode = EXIT_NOT_FLAT;
      } else if (s.phase !== 'STOPPED_FLAT') {
        // STOP_FAILED or STOP_ABANDONED (stop #10): not flat
        log.error(`the stop ended ${s.phase}: positions may remain`, { positions: s.positions });
        exitCode = EXIT_NOT_FLAT;
      } else {
        log.info('session stopped flat', { phase: s.phase });
      }
      resolveDone();
    })();
  };
  return { onSignal, done, exitCode: () => exitCode };
}
