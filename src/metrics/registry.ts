/**
 * A small Prometheus registry: counters, gauges and histograms with labels, rendered in the text
 * exposition format 0.0.4 (https://prometheus.io/docs/instrumenting/exposition_formats/).
 * Kept in-house (no prom-client) because the hot path only needs a handful of series and the
 * rendering rules fit in one screen; a test parses the output with a real parser.
 *
 * Values are floats: metrics are for dashboards, never for money arithmetic on the order path.
 * Collectors run at scrape time and read state that already exists (the hot path's status())
 * so the hot path itself is not threaded with metric calls.
 */
export type Labels = Record<string, string>;
type MetricType = 'counter' | 'gauge' | 'histogram';

const NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}
function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}
function labelKey(names: readonly string[], labels: Labels): string {
  for (const k of Object.keys(labels)) if (!names.includes(k)) throw new Error(`metric label ${k} not declared`);
  return names.map((n) => labels[n] ?? '').join('\u0000');
}
function renderLabels(names: readonly string[], values: string[], extra?: [string, string]): string {
  const parts = names.map((n, i) => `${n}="${escapeLabel(values[i] ?? '')}"`);
  if (extra) parts.push(`${extra[0]}="${escapeLabel(extra[1])}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

abstract class Metric {
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: MetricType,
    readonly labelNames: readonly string[],
  ) {
    if (!NAME_RE.test(name)) throw new Error(`metric name ${JSON.stringify(name)} is not valid`);
    for (const l of labelNames) if (!LABEL_RE.test(l) || l === 'le') throw new Error(`label name ${JSON.stringify(l)} is not valid`);
  }
  abstract samples(): string[];
  render(): string {
    return [`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} ${this.type}`, ...this.samples()].join('\n');
  }
}

class Scalar extends Metric {
  protected readonly values = new Map<string, { labels: string[]; v: number }>();
  protected entry(labels: Labels) {
    const k = labelKey(this.labelNames, labels);
    let e = this.values.get(k);
    if (!e) {
      e = { labels: this.labelNames.map((n) => labels[n] ?? ''), v: 0 };
      this.values.set(k, e);
    }
    return e;
  }
  get(labels: Labels = {}): number | undefined {
    return this.values.get(labelKey(this.labelNames, labels))?.v;
  }
  /** Forget every series (a gauge set whole at each scrape: markets that went flat disappear). */
  reset(): void {
    this.values.clear();
  }
  samples(): string[] {
    return [...this.values.values()].map((e) => `${this.name}${renderLabels(this.labelNames, e.labels)} ${formatValue(e.v)}`);
  }
}

export class Counter extends Scalar {
  constructor(name: string, help: string, labelNames: readonly string[] = []) {
    super(name, help, 'counter', labelNames);
  }
  inc(labels: Labels = {}, by = 1): void {
    if (by < 0) throw new Error(`${this.name}: a counter only goes up`);
    this.entry(labels).v += by;
  }
  /** A counter mirrored from a cumulative source (the hot path's counts); never goes back. */
  setCumulative(labels: Labels, total: number): void {
    const e = this.entry(labels);
    if (total > e.v) e.v = total;
  }
}

export class Gauge extends Scalar {
  constructor(name: string, help: string, labelNames: readonly string[] = []) {
    super(name, help, 'gauge', labelNames);
  }
  set(labels: Labels, v: number): void {
    this.entry(labels).v = v;
  }
}

/** Latency buckets in seconds: 50 µs … 5 s (the hot path's calls are sub-ms, a post tens of ms). */
export const LATENCY_BUCKETS_S = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export class Histogram extends Metric {
  private readonly series = new Map<string, { labels: string[]; counts: number[]; sum: number; count: number }>();
  constructor(
    name: string,
    help: string,
    labelNames: readonly string[] = [],
    readonly buckets: readonly number[] = LATENCY_BUCKETS_S,
  ) {
    super(name, help, 'histogram', labelNames);
    for (let i = 1; i < buckets.length; i++) if (!(buckets[i] > buckets[i - 1])) throw new Error(`${name}: buckets must increase`);
  }
  observe(labels: Labels, v: number): void {
    const k = labelKey(this.labelNames, labels);
    let s = this.series.get(k);
    if (!s) {
      s = { labels: this.labelNames.map((n) => labels[n] ?? ''), counts: new Array<number>(this.buckets.length).fill(0), sum: 0, count: 0 };
      this.series.set(k, s);
    }
    // per-bucket (non-cumulative) counts; cumulated at render time
    let i = 0;
    while (i < this.buckets.length && v > this.buckets[i]) i++;
    if (i < this.buckets.length) s.counts[i]++;
    s.sum += v;
    s.count++;
  }
  count(labels: Labels = {}): number {
    return this.series.get(labelKey(this.labelNames, labels))?.count ?? 0;
  }
  samples(): string[] {
    const out: string[] = [];
    for (const s of this.series.values()) {
      let acc = 0;
      this.buckets.forEach((b, i) => {
        acc += s.counts[i];
        out.push(`${this.name}_bucket${renderLabels(this.labelNames, s.labels, ['le', formatValue(b)])} ${acc}`);
      });
      out.push(`${this.name}_bucket${renderLabels(this.labelNames, s.labels, ['le', '+Inf'])} ${s.count}`);
      out.push(`${this.name}_sum${renderLabels(this.labelNames, s.labels)} ${formatValue(s.sum)}`);
      out.push(`${this.name}_count${renderLabels(this.labelNames, s.labels)} ${s.count}`);
    }
    return out;
  }
}

export type Collector = () => void;

export class Registry {
  private readonly metrics = new Map<string, Metric>();
  private readonly collectors: Collector[] = [];
  constructor(private readonly onCollectError: (e: unknown) => void = () => {}) {}

  private add<M extends Metric>(m: M): M {
    const had = this.metrics.get(m.name);
    if (had) {
      if (had.type !== m.type) throw new Error(`metric ${m.name} already registered as a ${had.type}`);
      return had as M;
    }
    this.metrics.set(m.name, m);
    return m;
  }
  counter(name: string, help: string, labels: readonly string[] = []): Counter {
    return this.add(new Counter(name, help, labels));
  }
  gauge(name: string, help: string, labels: readonly string[] = []): Gauge {
    return this.add(new Gauge(name, help, labels));
  }
  histogram(name: string, help: string, labels: readonly string[] = [], buckets?: readonly number[]): Histogram {
    return this.add(new Histogram(name, help, labels, buckets));
  }
  /** Runs before each render: reads state that exists elsewhere into gauges and counters. */
  addCollector(c: Collector): () => void {
    this.collectors.push(c);
    return () => {
      const i = this.collectors.indexOf(c);
      if (i >= 0) this.collectors.splice(i, 1);
    };
  }
  /** The exposition text; a failing collector is reported and the rest still rendered. */
  render(): string {
    for (const c of this.collectors) {
      try {
        c();
      } catch (e) {
        this.onCollectError(e);
      }
    }
    const blocks = [...this.metrics.values()].map((m) => m.render());
    return blocks.join('\n') + '\n';
  }
}
