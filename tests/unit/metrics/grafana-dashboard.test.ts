/**
 * The shipped Grafana dashboard uses only metrics the code exports: every hlx_* name in its
 * queries is registered by the hot-path or stop-worker metrics (histograms as _bucket).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { registerHotPathMetrics } from '../../../src/metrics/hot-path';
import { Registry } from '../../../src/metrics/registry';
import { instrumentActivities } from '../../../src/metrics/worker';

test('docs/grafana/hl-executor.json: valid JSON, every hlx_ metric exists', () => {
  const dash = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'grafana', 'hl-executor.json'), 'utf8'));
  const exprs: string[] = dash.panels.flatMap((p: { targets?: { expr: string }[] }) => (p.targets ?? []).map((t) => t.expr));
  expect(exprs.length).toBeGreaterThan(15);
  const used = new Set(exprs.flatMap((e) => e.match(/hlx_[a-z_]+/g) ?? []));
  const r = new Registry();
  registerHotPathMetrics({ registry: r, sessionId: 's', account: 'a', getHotPath: () => { throw new Error('not scraped'); } });
  instrumentActivities(r, {});
  const text = r.render();
  const exported = new Set([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].flatMap(([, n, t]) => (t === 'histogram' ? [`${n}_bucket`, n] : [n])));
  const missing = [...used].filter((n) => !exported.has(n));
  expect(missing).toEqual([]);
  expect(used.size).toBeGreaterThan(15);
});
