/**
 * The hot-path process: `hlx worker hotpath --config FILE` / `hlx session start --config FILE`.
 * Runs the hot-path worker until a signal: the first SIGINT/SIGTERM = HardStop(Operator) and a
 * bounded wait for flat, the second = exit now. Writes the status file the operator CLI reads.
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadSessionConfig } from '../../src/config/session';
import { durationMs } from '../../src/config/temporal';
import { STOPPED_PHASES } from '../../src/orchestration/session-machine';
import { writeStatusFile } from '../../src/state/status-file';
import { createLogger } from '../../src/util/log';
import { connectTemporal } from '../session-client';
import { startHotPathWorker, type HotPathWorker } from '../hotpath-worker';

export interface RunHotPathProcessOptions {
  configFile: string;
  /** bounded wait for STOPPED_FLAT after the first Ctrl+C, ms */
  stopWaitMs?: number;
  /** called once the worker is up (the CLI starts its status view here) */
  onStarted?: (w: HotPathWorker) => void | Promise<void>;
}

/** Resolves with the process exit code. */
export async function runHotPathProcess(o: RunHotPathProcessOptions): Promise<number> {
  const log = createLogger('hotpath-worker');
  // our own signal handling (temporal.md §5.4): the SDK must not stop polling before the flatten
  try {
    Runtime.install({ shutdownSignals: [], logger: new DefaultLogger('WARN') });
  } catch {
    /* already installed in this process (tests) */
  }
  const cfg = loadSessionConfig(o.configFile);
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
  });
  const stopWaitMs = o.stopWaitMs ?? Math.max(30_000, durationMs(t.yaml.worker.shutdownGraceTime));
  const stop = operatorStop(w, stopWaitMs, log);
  process.on('SIGINT', stop.onSignal);
  process.on('SIGTERM', stop.onSignal);
  // the status the operator CLI shows (`hlx session status`), refreshed every second on this machine
  const writeStatus = () => {
    try {
      writeStatusFile(w.sessionId, JSON.parse(JSON.stringify({ ...w.hotPath().status(), sessionId: w.sessionId, pid: process.pid, at: Date.now() })));
    } catch (e) {
      log.debug('status file not written', { error: (e as Error).message });
    }
  };
  writeStatus();
  const statusTimer = setInterval(writeStatus, 1_000);
  await o.onStarted?.(w);
  await Promise.race([stop.done, w.finished]);
  clearInterval(statusTimer);
  writeStatus();
  await w.shutdown();
  await t.close();
  process.off('SIGINT', stop.onSignal);
  process.off('SIGTERM', stop.onSignal);
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
      process.exit(130);
    }
    log.warn('stop requested: HardStop(Operator) and waiting for flat (press Ctrl+C again to exit at once)', { signal: sig, waitMs: stopWaitMs });
    w.hardStop('Operator', 'ctrl-c');
    void (async () => {
      const s = await w.waitForPhase(STOPPED_PHASES, stopWaitMs);
      if (!s) {
        log.error('the session did not reach STOPPED_FLAT in time; the stop sequence goes on in Temporal', { waitedMs: stopWaitMs });
        exitCode = 1;
      } else if (s.phase !== 'STOPPED_FLAT') {
        // STOP_FAILED or STOP_ABANDONED (stop #10): not flat
        log.error(`the stop ended ${s.phase}: positions may remain`, { positions: s.positions });
        exitCode = 1;
      } else {
        log.info('session stopped flat', { phase: s.phase });
      }
      resolveDone();
    })();
  };
  return { onSignal, done, exitCode: () => exitCode };
}
