import * as http from 'node:http';
import * as net from 'node:net';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { Registry } from '../../../src/metrics/registry';
import { startMetricsServer } from '../../../src/metrics/server';
import { resolveMetricsSettings } from '../../../src/metrics/config';
import { instrumentActivities } from '../../../src/metrics/worker';
import { createLogger, setLogFormat, setLogSink } from '../../../src/util/log';
import { histogramCount, sampleValue, scrape } from '../../helpers/prometheus';

describe('metrics registry: the text exposition a real parser accepts', () => {
  test('counters, gauges and histograms with labels, escaped values, cumulative buckets', () => {
    const r = new Registry();
    const c = r.counter('t_events_total', 'events\nby kind', ['kind']);
    c.inc({ kind: 'a "quoted" \\ kind' }, 2);
    c.inc({ kind: 'b' });
    r.gauge('t_level', 'a level').set({}, -1.5);
    const h = r.histogram('t_lat_seconds', 'latency', [], [0.1, 1]);
    for (const v of [0.05, 0.5, 0.5, 3]) h.observe({}, v);
    const fam = new Map(parsePrometheusTextFormat(r.render()).map((f) => [f.name, f]));
    expect(fam.get('t_events_total')!.type).toBe('COUNTER');
    expect(sampleValue(fam, 't_events_total', { kind: 'a "quoted" \\ kind' })).toBe(2);
    expect(sampleValue(fam, 't_events_total', { kind: 'b' })).toBe(1);
    expect(fam.get('t_events_total')!.help).toBe('events\nby kind');
    expect(sampleValue(fam, 't_level')).toBe(-1.5);
    const hist = fam.get('t_lat_seconds')!;
    expect(hist.type).toBe('HISTOGRAM');
    expect(hist.metrics[0].buckets).toEqual({ '0.1': '1', '1': '3', '+Inf': '4' });
    expect(Number(hist.metrics[0].count)).toBe(4);
    expect(Number(hist.metrics[0].sum)).toBeCloseTo(4.05);
  });

  test('a counter never goes down; a mirrored cumulative value only moves up; bad names refused', () => {
    const r = new Registry();
    const c = r.counter('t_x_total', 'x');
    expect(() => c.inc({}, -1)).toThrow(/only goes up/);
    c.setCumulative({}, 5);
    c.setCumulative({}, 3);
    expect(c.get()).toBe(5);
    expect(() => r.counter('bad-name', 'x')).toThrow(/not valid/);
    expect(() => r.gauge('t_x_total', 'x')).toThrow(/already registered as a counter/);
    expect(() => c.inc({ nope: '1' })).toThrow(/not declared/);
  });

  test('a failing collector is reported and the rest is still served', () => {
    const errors: unknown[] = [];
    const r = new Registry((e) => errors.push(e));
    r.gauge('t_ok', 'ok').set({}, 1);
    r.addCollector(() => {
      throw new Error('boom');
    });
    expect(sampleValue(new Map(parsePrometheusTextFormat(r.render()).map((f) => [f.name, f])), 't_ok')).toBe(1);
    expect(errors).toHaveLength(1);
  });
});

describe('metrics server', () => {
  test('GET /metrics on loopback with an upstream folded in; anything else is 404', async () => {
    const upstream = http.createServer((_q, s) => s.end('# HELP temporal_x up\n# TYPE temporal_x gauge\ntemporal_x 7\n'));
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const r = new Registry();
    r.counter('hlx_a_total', 'a').inc();
    const s = await startMetricsServer({ registry: r, host: '127.0.0.1', port: 0, upstreams: [`http://127.0.0.1:${(upstream.address() as net.AddressInfo).port}/metrics`] });
    try {
      expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const { families } = await scrape(s.url);
      expect(sampleValue(families, 'hlx_a_total')).toBe(1);
      expect(sampleValue(families, 'temporal_x')).toBe(7);
      expect((await fetch(s.url.replace('/metrics', '/other'))).status).toBe(404);
    } finally {
      await s.close();
      upstream.close();
    }
  });

  test('activities are timed by outcome and keep their results and errors', async () => {
    const r = new Registry();
    const acts = instrumentActivities(r, { async ok(x: number) { return x + 1; }, async bad() { throw new Error('venue down'); } });
    await expect(acts.ok(1)).resolves.toBe(2);
    await expect(acts.ok(2)).resolves.toBe(3);
    await expect(acts.bad()).rejects.toThrow('venue down');
    const text = r.render();
    parsePrometheusTextFormat(text); // well-formed as a whole
    // the parser folds labelled histogram series together (see tests/helpers/prometheus.ts): one series at a time
    const only = (outcome: string) => text.split('\n').filter((l) => l.startsWith('#') || l.includes(`outcome="${outcome}"`)).join('\n') + '\n';
    expect(histogramCount(new Map(parsePrometheusTextFormat(only('ok')).map((f) => [f.name, f])), 'hlx_activity_seconds')).toBe(2);
    expect(histogramCount(new Map(parsePrometheusTextFormat(only('error')).map((f) => [f.name, f])), 'hlx_activity_seconds')).toBe(1);
  });
});

describe('metrics settings', () => {
  test('off without a port; the environment wins over the file; loopback by default', () => {
    expect(resolveMetricsSettings(undefined, {})).toBeNull();
    expect(resolveMetricsSettings({ port: 9100, host: '127.0.0.1' }, {})).toEqual({ port: 9100, host: '127.0.0.1' });
    expect(resolveMetricsSettings(undefined, { HLX_METRICS_PORT: '9200' })).toEqual({ port: 9200, host: '127.0.0.1' });
    expect(resolveMetricsSettings({ port: 9100, host: '127.0.0.1' }, { HLX_METRICS_PORT: '9300', HLX_METRICS_HOST: '0.0.0.0', HLX_METRICS_TEMPORAL_PORT: '9301' })).toEqual({
      port: 9300,
      host: '0.0.0.0',
      temporalPort: 9301,
    });
  });
  test('a bad variable is refused naming it', () => {
    expect(() => resolveMetricsSettings(undefined, { HLX_METRICS_PORT: 'ninety' })).toThrow(/HLX_METRICS_PORT: a port number/);
    expect(() => resolveMetricsSettings(undefined, { HLX_METRICS_PORT: '70000' })).toThrow(/HLX_METRICS_PORT/);
  });
});

describe('structured JSON logs', () => {
  const saved = process.env.HLX_LOG_FORMAT;
  afterEach(() => {
    setLogSink(undefined);
    setLogFormat(undefined);
    if (saved === undefined) delete process.env.HLX_LOG_FORMAT;
    else process.env.HLX_LOG_FORMAT = saved;
  });
  test('one JSON object per line from the config switch; fixed keys win; keys redacted; the variable wins', () => {
    delete process.env.HLX_LOG_FORMAT;
    const lines: string[] = [];
    setLogSink({ write: (l) => lines.push(l) });
    setLogFormat('json');
    const key = '0x' + 'ab'.repeat(32);
    createLogger('t').warn('multi\nline', { level: 'spoofed', key, n: 10n, err: new Error('x') });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('\n');
    const o = JSON.parse(lines[0]);
    expect(o).toMatchObject({ level: 'warn', component: 't', msg: 'multi\nline', n: '10', err: 'Error: x' });
    expect(lines[0]).not.toContain('ab'.repeat(32));
    const circ: Record<string, unknown> = {};
    circ.self = circ;
    createLogger('t').info('circular', { circ });
    expect(JSON.parse(lines[1]).logError).toMatch(/not serialisable/);
    process.env.HLX_LOG_FORMAT = 'text';
    createLogger('t').info('plain');
    expect(lines[2]).toMatch(/INFO {2}t plain$/);
  });
});
