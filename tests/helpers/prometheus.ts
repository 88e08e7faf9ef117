/**
 * Scrape a /metrics endpoint and parse it with parse-prometheus-text-format (a port of the
 * Prometheus Python client's parser; it throws on a malformed line). Its one gap: the series of a
 * histogram WITH labels are folded into one (buckets only, count/sum dropped), so histogram
 * counts are read from the `+Inf` bucket — the count by definition — of families with one series.
 */
import parsePrometheusTextFormat, { type PromFamily } from 'parse-prometheus-text-format';

export async function scrape(url: string): Promise<{ text: string; families: Map<string, PromFamily> }> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  if (!(r.headers.get('content-type') ?? '').startsWith('text/plain')) throw new Error(`${url}: content-type ${r.headers.get('content-type')}`);
  const text = await r.text();
  return { text, families: new Map(parsePrometheusTextFormat(text).map((f) => [f.name, f])) };
}

/** The value of the sample of `name` whose labels include `labels` (undefined if none). */
export function sampleValue(families: Map<string, PromFamily>, name: string, labels: Record<string, string> = {}): number | undefined {
  const f = families.get(name);
  const s = f?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return s?.value === undefined ? undefined : Number(s.value);
}

/** Observations in a histogram family (its +Inf bucket). */
export function histogramCount(families: Map<string, PromFamily>, name: string): number {
  const f = families.get(name);
  if (!f || f.type !== 'HISTOGRAM') return 0;
  return f.metrics.reduce((n, m) => n + Number(m.buckets?.['+Inf'] ?? m.count ?? 0), 0);
}
