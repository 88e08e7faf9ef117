/**
 * A hot-path worker process started with `observability.metrics` in its session YAML serves
 * Prometheus metrics on loopback: our series (gates by reason, latency histograms, positions,
 * pnl, socket, HardStop, the session phase) and the Temporal SDK runtime's own, in one scrape that
 * a real text-format parser accepts. A HardStop shows up in the latch and phase series.
 */
import { freePort } from '../../../src/metrics/server';
import { hardStopSignal } from '../../../workflows/messages';
import { sessionIdentity } from '../../../workers/session-client';
import { histogramCount, sampleValue, scrape } from '../../helpers/prometheus';
import { spawnWorker, startOperatorEnv, testConfig, waitUntil, type OperatorEnv } from '../operator/harness';

jest.setTimeout(180_000);

let env: OperatorEnv;
beforeAll(async () => {
  env = await startOperatorEnv();
});
afterAll(async () => {
  await env?.close();
});

test('the worker serves its metrics and the Temporal SDK runtime metrics, parsed by a Prometheus parser', async () => {
  const port = await freePort();
  const cfg = testConfig(env, { name: 'metrics' });
  cfg.observability = { metrics: { port, host: '127.0.0.1' } };
  const sessionId = sessionIdentity(cfg, env.queues).sessionId;
  const w = spawnWorker(env, cfg);
  try {
    const url = `http://127.0.0.1:${port}/metrics`;
    // trading: accepted signals, posts answered, a trade closed
    const { families } = await waitUntil(
      () => scrape(url),
      (s) => (sampleValue(s.families, 'hlx_closed_trades_total', { session: sessionId }) ?? 0) >= 1 && histogramCount(s.families, 'hlx_post_seconds') > 0,
      120_000,
      'a closed trade in the metrics',
    );
    expect(sampleValue(families, 'hlx_gate_results_total', { session: sessionId, result: 'Accepted', reason: 'Accepted' })).toBeGreaterThan(0);
    expect(families.get('hlx_gate_results_total')!.metrics.map((m) => m.labels!.reason)).toEqual(expect.arrayContaining(['HasPosition', 'PendingOrder', 'HardStop', 'NotReady']));
    expect(histogramCount(families, 'hlx_on_signal_seconds')).toBeGreaterThan(0);
    expect(histogramCount(families, 'hlx_tick_seconds')).toBeGreaterThan(0);
    expect(families.get('hlx_on_signal_seconds')!.type).toBe('HISTOGRAM');
    expect(sampleValue(families, 'hlx_socket_up', { session: sessionId })).toBe(1);
    expect(sampleValue(families, 'hlx_socket_reconnects_total', { session: sessionId })).toBe(0);
    expect(sampleValue(families, 'hlx_orders_unknown_outcome', { session: sessionId })).toBe(0);
    expect(sampleValue(families, 'hlx_pnl_usd', { session: sessionId })).toEqual(expect.any(Number));
    expect(sampleValue(families, 'hlx_hardstop_latched', { session: sessionId })).toBe(0);
    expect(sampleValue(families, 'hlx_session_phase', { session: sessionId, phase: 'READY_TRADING' })).toBe(1);
    expect(sampleValue(families, 'hlx_ready', { session: sessionId, flag: 'ready' })).toBe(1);
    // the Temporal SDK's runtime metrics come through the same scrape
    const temporal = [...families.keys()].filter((n) => n.startsWith('temporal_'));
    expect(temporal.length).toBeGreaterThan(5);
    expect(temporal).toEqual(expect.arrayContaining([expect.stringMatching(/^temporal_(worker_task_slots_available|num_pollers|request_total)/)]));

    // a HardStop: the latch and the stop phases show it
    await env.t.client.workflow.getHandle(sessionId).signal(hardStopSignal, { reason: 'Operator', source: 'test' });
    const after = await waitUntil(
      () => scrape(url),
      (s) => sampleValue(s.families, 'hlx_session_phase', { session: sessionId, phase: 'STOPPED_FLAT' }) === 1,
      60_000,
      'STOPPED_FLAT in the metrics',
    );
    expect(sampleValue(after.families, 'hlx_hardstop_latched', { session: sessionId })).toBe(1);
    expect(sampleValue(after.families, 'hlx_hardstop_info', { session: sessionId, reason: 'Operator' })).toBe(1);
    expect(sampleValue(after.families, 'hlx_stops_total', { session: sessionId })).toBe(1);
    expect(sampleValue(after.families, 'hlx_gate_results_total', { session: sessionId, reason: 'HardStop' })).toBeGreaterThanOrEqual(0);
  } finally {
    w.child.kill('SIGINT');
    await w.exited;
  }
});
